/**
 * Held-out subjects replayed through the virtual board: the MPU-6050 emulation serves subject
 * s03's wrist recordings (never seen in training) to the real activity bundle sampling at 50 Hz.
 * Every sample the board read is decoded from the I2C bus log and pushed through the same
 * tracker on the host: the class-change and summary frames must be exactly the host's events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { hostNatives } from '../host/espruino/natives.ts';
import { datasetsDir } from '../host/paths.ts';
import { harReplay } from '../host/sim/index.ts';
import { createLutClassifier } from '../firmware/core/lut/infer.ts';
import { createTracker, type TrackerEvent } from '../firmware/apps/activity/tracker.ts';
import { countsToMg, MPU6050_ADDRESS } from '../firmware/apps/activity/mpu6050.ts';
import { ACTIVITY_CONFIG } from '../firmware/apps/activity/config.ts';
import * as META from '../firmware/apps/activity/model.gen.ts';
import type { SeriesSpec } from '../firmware/core/features/series.ts';
import { activityModel, buildActivity, startActivityBoard } from './activity-support.ts';

let manifestPath: string;
let cleanup: () => void = () => {};
beforeAll(async () => {
  ({ manifestPath, cleanup } = await buildActivity());
});
afterAll(() => cleanup());

function int16(hi: number, lo: number): number {
  const v = (hi << 8) | lo;
  return v >= 0x8000 ? v - 0x10000 : v;
}

describe('activity app replaying a held-out subject on the virtual board', () => {
  it('reports class changes and summaries exactly as the host computes them from the same samples', async () => {
    const replay = harReplay(join(datasetsDir(), 'har-wrist', 'sw_acc.csv'), { subject: 's03' });
    // Acknowledged as the bridge does, so each frame is printed once (nothing left to re-offer).
    const { board, frames, other, host } = startActivityBoard(manifestPath, { sensors: { motion: replay.source }, ack: true });
    board.i2c.logLimit = Number.POSITIVE_INFINITY;
    board.i2c.log.length = 0;
    const startMs = board.getTimeMs();
    await board.runFor({ ms: replay.durationMs });
    expect(other.filter((line) => line.includes('Uncaught') || line.includes('E_'))).toEqual([]);

    // The host replica: the same tracker, host natives, the committed model.
    const { model } = activityModel();
    const classifier = createLutClassifier(hostNatives, model);
    const decisions: { cls: number; tMs: number }[] = [];
    let sampleTime = 0;
    const recording = {
      scores: classifier.scores,
      classify(x: ArrayLike<number>): number {
        const cls = classifier.classify(x);
        decisions.push({ cls, tMs: sampleTime });
        return cls;
      },
    };
    const tracker = createTracker({
      natives: hostNatives,
      spec: META.SPEC as SeriesSpec,
      featureIndex: META.FEATURE_INDEX,
      classifier: recording,
      classes: META.LABELS.length,
      hop: ACTIVITY_CONFIG.hop,
      summaryEvery: ACTIVITY_CONFIG.summaryEvery,
      confirmWindows: ACTIVITY_CONFIG.confirmWindows,
    });
    const expected: TrackerEvent[] = [];
    let samples = 0;
    for (const entry of board.i2c.log) {
      if (entry.op !== 'read' || entry.address !== MPU6050_ADDRESS || entry.bytes.length !== 6) continue;
      const b = entry.bytes;
      sampleTime = entry.tMs - startMs;
      const events = tracker.push(countsToMg(int16(b[0]!, b[1]!)), countsToMg(int16(b[2]!, b[3]!)), countsToMg(int16(b[4]!, b[5]!)));
      if (events) expected.push(...events);
      samples++;
    }
    const reported = frames.filter((f) => f.k === 'c' || f.k === 's').map((f) => ({ k: f.k, d: f.d }));
    expect(samples).toBeGreaterThan(0.9 * (replay.durationMs / 20));
    // Summaries also carry the outbox counters (nothing dropped or torn here).
    expect(reported).toEqual(expected.map((e) => (e.k === 's' ? { k: e.k, d: { ...e.d, drops: 0, torn: 0 } } : e)));
    // Every frame went through the outbox and was acknowledged: printed once, none left pending.
    expect(new Set(frames.map((f) => `${f.boot}/${f.seq}`)).size).toBe(frames.length);
    expect(host!.acked).toBe(frames.length);
    expect(board.storage.list().filter((name) => name.startsWith('sp.o'))).toEqual([]);
    const changes = reported.filter((f) => f.k === 'c');
    expect(changes.length).toBeGreaterThan(5);
    expect(frames[0]!.k).toBe('t');
    // Window decisions against the replay's ground truth (label at the window's last sample).
    const correct = decisions.filter((d) => replay.activityAt(d.tMs) === META.LABELS[d.cls]).length;
    console.log(`replay s03: ${samples} samples, ${decisions.length} windows, ${changes.length} class changes, ` +
      `${reported.length - changes.length} summaries; window accuracy vs ground truth ${(100 * correct / decisions.length).toFixed(1)}% ` +
      `(${frames.length} frames instead of ${decisions.length} per-window messages)`);
  });
});

/**
 * The activity app's telemetry is durable and acknowledged like the occupancy app's: the real
 * bundle on the virtual board (replaying a held-out har-wrist subject) puts every signed frame in
 * the Storage outbox before printing it, removes it when the host calls `ack(boot, seq)` in the
 * device (here through board.evaluate, as the bridge does through the REPL), offers the rest
 * again in bounded bursts, and after a power cut offers again, byte for byte, every frame that was
 * still waiting for its acknowledgement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { datasetsDir } from '../host/paths.ts';
import { harReplay } from '../host/sim/index.ts';
import { AckingHost } from '../host/sim/acking-host.ts';
import type { VirtualBoard } from '../host/sim/board.ts';
import { ACTIVITY_CONFIG } from '../firmware/apps/activity/config.ts';
import { buildActivity, DEVICE_ID, DEVICE_KEY, startActivityBoard, type ActivityFrame } from './activity-support.ts';

let manifestPath: string;
let cleanup: () => void = () => {};
beforeAll(async () => {
  ({ manifestPath, cleanup } = await buildActivity());
});
afterAll(() => cleanup());

/** Virtual milliseconds between two re-offer cycles. */
const CYCLE_MS = (ACTIVITY_CONFIG.offerEvery * ACTIVITY_CONFIG.hop * 1000) / ACTIVITY_CONFIG.rateHz;

const id = (f: { boot: number; seq: number }): string => `${f.boot}/${f.seq}`;

function replayBoard() {
  const replay = harReplay(join(datasetsDir(), 'har-wrist', 'sw_acc.csv'), { subject: 's03' });
  return startActivityBoard(manifestPath, { sensors: { motion: replay.source } });
}

function outboxFiles(board: VirtualBoard): string[] {
  return board.storage.list().filter((name) => name.startsWith('sp.o'));
}

/** First printing of each frame, in order. */
function unique(frames: ActivityFrame[]): ActivityFrame[] {
  const seen = new Set<string>();
  return frames.filter((f) => !seen.has(id(f)) && seen.add(id(f)) !== undefined);
}

describe('activity telemetry: outbox and ack(boot, seq)', () => {
  it('keeps every frame until acknowledged; acked frames are not offered again, the others are, in bounded bursts', async () => {
    const { board, frames, other } = replayBoard();
    await board.runFor({ ms: 20_000 });
    const offered = unique(frames);
    expect(offered[0]!.k).toBe('t');
    expect(offered.filter((f) => f.k === 'c').length).toBeGreaterThanOrEqual(4);
    // Each printed frame is in the outbox (put before print), one file per frame.
    expect(outboxFiles(board).length).toBe(offered.length);

    // The bridge's acknowledgement, through the REPL: true once, false for a repeat or an unknown frame.
    const acked = offered.filter((_, i) => i % 2 === 1);
    const unacked = offered.filter((_, i) => i % 2 === 0);
    for (const f of acked) expect(board.evaluate(`ack(${f.boot},${f.seq})`)).toBe(true);
    expect(board.evaluate(`ack(${acked[0]!.boot},${acked[0]!.seq})`)).toBe(false);
    expect(board.evaluate('ack(999999,0)')).toBe(false);
    expect(outboxFiles(board).length).toBe(unacked.length);

    const before = frames.length;
    await board.runFor({ ms: 3 * CYCLE_MS });
    const later = frames.slice(before);
    const offeredIds = new Set(offered.map(id));
    const again = later.filter((f) => offeredIds.has(id(f)));
    const againIds = new Set(again.map(id));
    // No acknowledged frame comes back; every unacknowledged one does, as the very same signed line.
    for (const f of acked) expect(againIds.has(id(f))).toBe(false);
    for (const f of unacked) expect(againIds.has(id(f))).toBe(true);
    const lineOf = new Map(offered.map((f) => [id(f), f.line]));
    for (const f of again) expect(f.line).toBe(lineOf.get(id(f)));
    // A cycle offers at most sendPerCycle frames (one burst = one virtual instant).
    const bursts = new Map<number, number>();
    for (const f of again) bursts.set(f.tMs, (bursts.get(f.tMs) ?? 0) + 1);
    for (const count of bursts.values()) expect(count).toBeLessThanOrEqual(ACTIVITY_CONFIG.sendPerCycle);
    console.log(`ack: ${offered.length} frames offered, ${acked.length} acknowledged via ack(boot, seq), ` +
      `${again.length} re-offers of the ${unacked.length} others in ${bursts.size} bursts over ${3 * CYCLE_MS} ms`);

    // Once a host acknowledges as the bridge does, everything drains and nothing is printed twice more.
    const host = new AckingHost(board, { keys: { [DEVICE_ID]: DEVICE_KEY } });
    await board.runFor({ ms: 4 * CYCLE_MS });
    expect(host.acked).toBeGreaterThan(0);
    expect(host.rejected).toBe(0);
    expect(outboxFiles(board)).toEqual([]);
    expect(other.filter((line) => line.includes('Uncaught') || line.includes('E_'))).toEqual([]);
  });

  it('loses no frame still waiting for its acknowledgement when the power is cut during a put', async () => {
    const cuts = [0, 1, 9, 40, 100, 160];
    for (const cut of cuts) {
      const { board, frames, other } = replayBoard();
      await board.runFor({ ms: 15_000 });
      const printed = unique(frames);
      // The host acknowledged some frames before the cut; the rest wait in the outbox.
      const acked = printed.filter((_, i) => i % 3 === 0);
      for (const f of acked) expect(board.evaluate(`ack(${f.boot},${f.seq})`)).toBe(true);
      const waiting = printed.filter((_, i) => i % 3 !== 0);
      expect(waiting.length).toBeGreaterThan(2);

      // Cut the power `cut` bytes into the next flash write (the next frame's outbox record).
      let lost: { file: string } | undefined;
      board.on('powerloss', (event: { file: string }) => { lost = event; });
      board.storage.failAfterBytes(cut);
      const result = await board.runUntilSleep({ maxMs: 60_000 });
      board.storage.failAfterBytes(undefined);
      expect(result.ended).toBe('powerloss');
      expect(lost!.file.startsWith('sp.o')).toBe(true);
      const cutIndex = frames.length;
      // The frame being written was never printed: it cannot reach the host torn.
      const tornName = lost!.file;

      // Power returns; a bridge acknowledges from now on.
      const host = new AckingHost(board, { keys: { [DEVICE_ID]: DEVICE_KEY } });
      board.boot(0);
      await board.runFor({ ms: Math.ceil(waiting.length / ACTIVITY_CONFIG.sendPerCycle + 2) * CYCLE_MS });
      const after = frames.slice(cutIndex);
      const afterIds = new Set(after.map(id));
      // Every frame that was waiting is offered again, byte for byte; acknowledged ones are not.
      for (const f of waiting) {
        expect(afterIds.has(id(f))).toBe(true);
        expect(after.find((g) => id(g) === id(f))!.line).toBe(f.line);
      }
      for (const f of acked) expect(afterIds.has(id(f))).toBe(false);
      // The new boot never reuses a (boot, seq): its frames carry a higher boot number.
      const oldBoot = printed[0]!.boot;
      const fresh = after.filter((f) => f.boot !== oldBoot);
      expect(fresh.length).toBeGreaterThan(0);
      for (const f of fresh) expect(f.boot).toBeGreaterThan(oldBoot);
      expect(host.rejected).toBe(0);
      // The torn record was erased, never sent; everything else was acknowledged and left.
      expect(board.storage.list()).not.toContain(tornName);
      expect(outboxFiles(board)).toEqual([]);
      expect(other.filter((line) => line.includes('Uncaught'))).toEqual([]);
    }
  });
});

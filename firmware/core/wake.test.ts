import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withDefaults } from './config.ts';
import { isPowerCut, MemoryFlash } from './flash-memory.ts';
import { hmacSigner, type Sha256 } from './hmac.ts';
import type { Classification } from './occupancy.ts';
import { outboxAck, outboxEntries } from './outbox.ts';
import { WAKE_TIMER } from './step.ts';
import { beginWake, finishWake, loadState, pendingFrames } from './wake.ts';
import { splitFrame } from './wire.ts';

const sha256: Sha256 = (data) => {
  const d = createHash('sha256').update(data).digest();
  return d.buffer.slice(d.byteOffset, d.byteOffset + d.length);
};
const KEY = '4f'.repeat(32);
/** A stand-in classifier: occupied when the light is on. */
const classify = (features: number[]): Classification => ({ label: features[2]! >= 300 ? 1 : 0, score: 90 });
const identity = { dev: 'node-7', signer: hmacSigner(sha256, new Uint8Array(Buffer.from(KEY, 'hex'))) };

function verify(line: string): { boot: number; seq: number; k: string } {
  const frame = splitFrame(line)!;
  expect(frame).not.toBeNull();
  const expected = createHmac('sha256', Buffer.from(KEY, 'hex')).update(frame.json, 'latin1').digest();
  const actual = Buffer.from(frame.hmac, 'hex');
  expect(actual.length === expected.length && timingSafeEqual(actual, expected)).toBe(true);
  return JSON.parse(frame.json);
}

function lcg(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('a wake cycle over flash', () => {
  it('survives power cuts at random bytes of 3000 wakes: signed frames, no (boot, seq) reused, bounded outbox', () => {
    const config = withDefaults({ outboxMax: 40, summaryEvery: 5 });
    const random = lcg(1);
    const flash = new MemoryFlash();
    const seen = new Set<string>();
    let lastBoot = 0;
    let cuts = 0;
    let completed = 0;
    for (let i = 0; i < 3000; i++) {
      const cutAt = random() < 0.2 ? Math.floor(random() * 600) : -1;
      flash.cutAfter(cutAt);
      try {
        const boot = beginWake(flash);
        expect(boot).toBeGreaterThan(lastBoot);
        lastBoot = boot;
        const light = Math.floor(i / 37) % 2 === 0 ? 10 : 500; // flips the class now and then
        const outcome = finishWake(flash, boot, identity, {
          readings: { t: 2100 + (i % 50), h: 4000, c: 500 + (i % 300), l: light, faults: [] },
          status: { cause: i === 0 ? 0 : WAKE_TIMER, flags: [], free: 15000, used: 1000, total: 16383 },
        }, config, classify);
        for (const line of outcome.lines) {
          const env = verify(line);
          const id = `${env.boot}/${env.seq}`;
          expect(seen.has(id)).toBe(false);
          seen.add(id);
        }
        // The host acknowledges what it received, except in one wake of three (an outage).
        const pending = pendingFrames(flash, config.sendPerWake);
        if (i % 3 !== 0) for (const p of pending) { verify(p.line); outboxAck(flash, p.boot, p.seq); }
        completed++;
      } catch (error) {
        if (!isPowerCut(error)) throw error;
        cuts++;
      }
      flash.powerOn();
      expect(outboxEntries(flash).length).toBeLessThanOrEqual(config.outboxMax);
    }
    expect(cuts).toBeGreaterThan(100);
    expect(completed).toBeGreaterThan(2000);
    const state = loadState(flash).state!;
    expect(state).not.toBeNull();
  });

  it('counts drops when nobody acknowledges, reports them, and keeps class changes over summaries', () => {
    const config = withDefaults({ outboxMax: 10, summaryEvery: 2 });
    const flash = new MemoryFlash();
    for (let i = 0; i < 60; i++) {
      const boot = beginWake(flash);
      finishWake(flash, boot, identity, {
        readings: { t: 2000, h: 4000, c: 500, l: i % 10 < 5 ? 0 : 600, faults: [] },
        status: { cause: WAKE_TIMER, flags: [], free: 1, used: 1, total: 2 },
      }, config, classify);
    }
    const entries = outboxEntries(flash);
    expect(entries).toHaveLength(10);
    // 43 frames: 1 status, 12 class changes (first label + 11 flips), 30 summaries. With 10 slots
    // the survivors are the 9 newest class changes and the summary just written.
    const state = loadState(flash).state!;
    expect(state.drops).toBe(43 - 10);
    const kept = pendingFrames(flash, 100).map((p) => verify(p.line));
    expect(kept.map((e) => e.k)).toEqual([...Array(9).fill('c'), 's']);
    expect(kept[8]!.boot).toBe(56); // the last flip (wake 55 is boot 56)
    expect(kept[0]!.boot).toBe(16);
  });

  it('erases a torn outbox record when reading it and counts it', () => {
    const flash = new MemoryFlash();
    const config = withDefaults({});
    const boot = beginWake(flash);
    finishWake(flash, boot, identity, {
      readings: { t: 2000, h: 4000, c: 500, l: 0, faults: ['bh1750_nak'] },
      status: { cause: 0, flags: [], free: 1, used: 1, total: 2 },
    }, config, classify);
    const name = outboxEntries(flash)[1]!.name;
    const bytes = flash.files[name]!.bytes;
    for (let i = 20; i < bytes.length; i++) bytes[i] = 0xff; // as if the write had been cut
    const pending = pendingFrames(flash, 10);
    expect(pending.map((p) => p.seq)).toEqual([0, 2]);
    expect(flash.files[name]).toBeUndefined();
    expect(loadState(flash).state!.torn).toBe(1);
  });

  it('hands torn records to onTorn instead of the wake state (apps without one)', () => {
    const flash = new MemoryFlash();
    const boot = beginWake(flash);
    finishWake(flash, boot, identity, {
      readings: { t: 2000, h: 4000, c: 500, l: 0, faults: ['bh1750_nak'] },
      status: { cause: 0, flags: [], free: 1, used: 1, total: 2 },
    }, withDefaults({}), classify);
    const name = outboxEntries(flash)[0]!.name;
    const bytes = flash.files[name]!.bytes;
    for (let i = 20; i < bytes.length; i++) bytes[i] = 0xff;
    const counts: number[] = [];
    expect(pendingFrames(flash, 10, (n) => counts.push(n)).map((p) => p.seq)).toEqual([1, 2]);
    expect(counts).toEqual([1]);
    expect(flash.files[name]).toBeUndefined();
    expect(loadState(flash).state!.torn).toBe(0);
  });
});

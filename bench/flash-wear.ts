/**
 * Benchmark: flash journal written per simulated day by the occupancy node's persistence
 * (firmware/core boot.ts, slots.ts, outbox.ts through wake.ts), against a naive baseline
 * computed in the same run from the very same frames.
 *
 *   node bin/run-ts.mjs bench/flash-wear.ts [--days 1]
 *
 * spruce    the real wake code on MemoryFlash (which counts Espruino's 32-byte file header per
 *           created file): boot ticks filled in place, state in A/B slots, one file per frame
 * naive     one JSON file per concern, rewritten whole on every change: a boot-counter file each
 *           boot, the state each wake, and the outbox file after every put and every ack
 * Two scenarios: `connected` (the host acknowledges every frame at once) and `outage` (nobody
 * acknowledges for the whole run: the outbox fills to its bound and drops by policy).
 * Storage is journaling, so "days between compactions" = free flash / journal per day
 * (896 KB of Storage less ~30 KB of live files: bundle, models, state), and each compaction
 * erases each flash sector about once: sector erases per year = 365 / that interval.
 * See firmware/core/outbox.md for the arithmetic this measures.
 */
import { createHash } from 'node:crypto';
import { CONFIG } from '../firmware/apps/occupancy/config.ts';
import { MemoryFlash } from '../firmware/core/flash-memory.ts';
import { hmacSigner } from '../firmware/core/hmac.ts';
import type { Classification } from '../firmware/core/occupancy.ts';
import { outboxAck } from '../firmware/core/outbox.ts';
import { beginWake, finishWake, pendingFrames } from '../firmware/core/wake.ts';

const HEADER = 32;
const FREE_BYTES = 896 * 1024 - 30 * 1024;
const daysArg = process.argv.indexOf('--days');
const days = daysArg > 0 ? Number(process.argv[daysArg + 1]) : 1;
if (!(days > 0 && days <= 30)) {
  console.error('bench/flash-wear: --days must be a number in (0, 30]');
  process.exit(2);
}

const sha256 = (data: Uint8Array): ArrayBuffer => {
  const d = createHash('sha256').update(data).digest();
  return d.buffer.slice(d.byteOffset, d.byteOffset + d.length);
};
const identity = { dev: 'bench-0001', signer: hmacSigner(sha256, new Uint8Array(32)) };
/** Occupied when the light is on: the classifier does not matter for flash use. */
const classify = (f: number[]): Classification => ({ label: f[2]! >= 300 ? 1 : 0, score: 90 });

interface Row {
  scenario: string;
  spruceBytes: number;
  naiveBytes: number;
  frames: number;
}

function run(scenario: 'connected' | 'outage'): Row {
  const flash = new MemoryFlash();
  const wakes = Math.round(days * 1440);
  let naive = 0;
  let frames = 0;
  let pending: string[] = [];
  const pendingBytes = () => pending.reduce((sum, line) => sum + line.length + 1, 2);
  for (let i = 0; i < wakes; i++) {
    const boot = beginWake(flash);
    naive += HEADER + JSON.stringify({ boot }).length;
    const outcome = finishWake(flash, boot, identity, {
      readings: { t: 2150 + (i % 7), h: 3012, c: 500 + (i % 500), l: i % 240 < 120 ? 450 : 3, faults: [] },
      status: { cause: i === 0 ? 0 : 4, flags: [], free: 15000, used: 1200, total: 16383 },
    }, CONFIG, classify);
    frames += outcome.lines.length;
    naive += HEADER + JSON.stringify(outcome.persisted).length;
    for (const line of outcome.lines) {
      pending.push(line);
      if (pending.length > CONFIG.outboxMax) pending.shift();
      naive += HEADER + pendingBytes();
    }
    if (scenario === 'connected') {
      for (const p of pendingFrames(flash, CONFIG.sendPerWake)) {
        outboxAck(flash, p.boot, p.seq);
        pending = pending.filter((line) => line !== p.line);
        naive += HEADER + pendingBytes();
      }
    }
  }
  return { scenario, spruceBytes: flash.bytesWritten + flash.inPlaceBytes, naiveBytes: naive, frames };
}

const rows = [run('connected'), run('outage')];
const kbPerDay = (bytes: number) => bytes / days / 1024;
const between = (bytes: number) => FREE_BYTES / (bytes / days);
console.log(`flash journal per day, occupancy schedule (1 wake/min, summary every 15 min), ${days} simulated day(s)`);
console.log('scenario   frames  spruce KB/day  naive KB/day  naive/spruce  spruce days/compaction  naive days/compaction  spruce erases/sector/year');
for (const row of rows) {
  console.log([
    row.scenario.padEnd(9),
    String(row.frames).padStart(7),
    kbPerDay(row.spruceBytes).toFixed(1).padStart(14),
    kbPerDay(row.naiveBytes).toFixed(1).padStart(13),
    (row.naiveBytes / row.spruceBytes).toFixed(2).padStart(13),
    between(row.spruceBytes).toFixed(2).padStart(23),
    between(row.naiveBytes).toFixed(2).padStart(22),
    (365 / between(row.spruceBytes)).toFixed(0).padStart(26),
  ].join(' '));
}

/**
 * Benchmark: simulated wake cycles per second on the virtual board.
 *
 *   node bin/run-ts.mjs bench/sim.ts [--wakes 1440]
 *
 * Three runs in the same process, so the ratios hold on any machine:
 *   occupancy app     the real bundle (built now) on a VirtualBoard with the occupancy replay and
 *                     the acknowledging host: one wake = boot a fresh sandbox, run the app, sleep
 *   empty bundle      a bundle that only deep-sleeps: the sandbox's own cost per wake (floor)
 *   core in Node      the same wake logic (firmware/core wake.ts: boot counter, step, sign,
 *                     outbox, ack) called directly in Node on an in-memory flash: no sandbox
 * Target: a simulated day (1,440 one-minute wakes) of the occupancy app in under 10 s.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../host/build/index.ts';
import { datasetsDir } from '../host/paths.ts';
import { AckingHost } from '../host/sim/acking-host.ts';
import { VirtualBoard, occupancyReplay } from '../host/sim/index.ts';
import { installBuild } from '../host/sim/install.ts';
import { MemoryFlash } from '../firmware/core/flash-memory.ts';
import { hmacSigner } from '../firmware/core/hmac.ts';
import { outboxAck } from '../firmware/core/outbox.ts';
import { beginWake, finishWake, pendingFrames } from '../firmware/core/wake.ts';
import { CONFIG } from '../firmware/apps/occupancy/config.ts';
import { classify } from '../firmware/apps/occupancy/classifier.ts';

const argIndex = process.argv.indexOf('--wakes');
const WAKES = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 1440;
const KEY = '3c'.repeat(32);
const DEVICE = 'bench-occupancy';

interface Row {
  name: string;
  seconds: number;
  wakesPerSecond: number;
  note: string;
}

async function timeBoard(name: string, setup: (board: VirtualBoard) => void, note: (board: VirtualBoard) => string): Promise<Row> {
  const replay = occupancyReplay(join(datasetsDir(), 'occupancy', 'occupancy_test1.csv'));
  const board = new VirtualBoard({ sensors: { environment: replay.source } });
  setup(board);
  const started = performance.now();
  const results = await board.runWakes(WAKES);
  const seconds = (performance.now() - started) / 1000;
  if (results.length !== WAKES || results.some((r) => r.ended !== 'sleep')) throw new Error(`${name}: not every wake ended in deep sleep`);
  return { name, seconds, wakesPerSecond: WAKES / seconds, note: note(board) };
}

function timeCore(): Row {
  const flash = new MemoryFlash();
  const sha256 = (data: Uint8Array) => {
    const digest = createHash('sha256').update(data).digest();
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength) as ArrayBuffer;
  };
  const key = new Uint8Array(Buffer.from(KEY, 'hex'));
  const identity = { dev: DEVICE, signer: hmacSigner(sha256, key) };
  const replay = occupancyReplay(join(datasetsDir(), 'occupancy', 'occupancy_test1.csv'));
  const started = performance.now();
  let frames = 0;
  for (let i = 0; i < WAKES; i++) {
    const s = replay.source(i * 60_000);
    const boot = beginWake(flash);
    const readings = {
      t: Math.round(s.temperature_c! * 100), h: Math.round(s.humidity_pct! * 100), c: Math.round(s.co2_ppm!), l: Math.round(s.light_lux!), faults: [] as string[],
    };
    const status = { cause: i === 0 ? 0 : 4, flags: [] as string[], free: 15000, used: 1383, total: 16383 };
    finishWake(flash, boot, identity, { readings, status } as Parameters<typeof finishWake>[3], CONFIG, classify);
    for (const frame of pendingFrames(flash, CONFIG.sendPerWake)) {
      outboxAck(flash, frame.boot, frame.seq);
      frames++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { name: 'core in Node (no sandbox)', seconds, wakesPerSecond: WAKES / seconds, note: `${frames} frames acked` };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spruce-bench-sim-'));
  try {
    process.stderr.write('building occupancy for virtual ...\n');
    const built = await buildApp({ board: 'virtual', app: 'occupancy', outDir: join(dir, 'dist') });
    let usage = 0;
    const app = await timeBoard('occupancy app on the virtual board', (board) => {
      installBuild(board, built.manifestPath, { id: DEVICE, key: KEY });
      new AckingHost(board, { keys: { [DEVICE]: KEY } });
      // Status frames carry the board's process.memory().usage as the firmware saw it.
      board.on('output', (text: string) => {
        const match = /"used":(\d+)/.exec(text);
        if (match) usage = Number(match[1]);
      });
    }, (board) => {
      return `${board.meter.reading().wakes} wakes, ${(board.meter.awakeMs / 1000).toFixed(0)} s awake`;
    });
    const empty = await timeBoard('empty bundle (only deep-sleeps)', (board) => board.install({ bundle: 'ESP32.deepSleep(60e6);' }), () => 'sandbox floor');
    const core = timeCore();

    const rows = [app, empty, core];
    const w = Math.max(...rows.map((r) => r.name.length));
    console.log(`\nspruce bench: virtual board, ${WAKES} wakes (${(WAKES / 1440).toFixed(2)} simulated day(s) at one wake a minute)\n`);
    console.log(`${'run'.padEnd(w)}  ${'real s'.padStart(8)}  ${'wakes/s'.padStart(9)}  ${'vs app'.padStart(8)}  note`);
    for (const r of rows) {
      console.log(`${r.name.padEnd(w)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.wakesPerSecond.toFixed(0).padStart(9)}  ${(r.wakesPerSecond / app.wakesPerSecond).toFixed(2).padStart(7)}x  ${r.note}`);
    }
    const day = (1440 / app.wakesPerSecond).toFixed(2);
    console.log(`\noccupancy app: a simulated day takes ${day} s (target < 10 s: ${Number(day) < 10 ? 'met' : 'NOT met'})`);
    console.log(`sandbox share of an app wake: ${((100 * app.wakesPerSecond) / empty.wakesPerSecond).toFixed(0)}% (empty-bundle wake time / app wake time)`);
    console.log(`bundle ${built.manifest.bytes} bytes; JsVars: build estimate ${built.manifest.jsVarsEstimate} (code only), board process.memory() usage ${usage} (code + live data + reserved)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

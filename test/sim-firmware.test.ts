/**
 * The virtual board running real bundles made by the build (host/build): a small TypeScript
 * firmware compiled in memory, and the occupancy app with the acknowledging host.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, buildSource } from '../host/build/index.ts';
import { datasetsDir, projectRoot } from '../host/paths.ts';
import { AckingHost } from '../host/sim/acking-host.ts';
import { VirtualBoard, occupancyReplay } from '../host/sim/index.ts';
import { installBuild } from '../host/sim/install.ts';

const run = promisify(execFile);
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-sim-fw-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function lines(board: VirtualBoard): string[] {
  const out: string[] = [];
  let partial = '';
  board.on('output', (text: string) => {
    partial += text;
    const parts = partial.split('\r\n');
    partial = parts.pop()!;
    out.push(...parts);
  });
  return out;
}

describe('a TypeScript firmware built by the build API', () => {
  it('loses RAM across deep sleep and keeps Storage', async () => {
    const built = await buildSource({
      code: `
        class Counter { n = 0; bump(): number { this.n++; return this.n; } }
        const ram = new Counter();
        const storage = require('Storage');
        const boots = (storage.readJSON('boots', true) || 0) + 1;
        storage.writeJSON('boots', boots);
        print('boots ' + boots + ' ram ' + ram.bump() + ' cause ' + ESP32.getWakeupCause());
        setTimeout(() => ESP32.deepSleep(30 * 1000 * 1000), 10);
      `,
    }, 'virtual');
    const board = new VirtualBoard();
    const out = lines(board);
    board.install({ bundle: built.code });
    await board.runWakes(3);
    expect(out).toEqual(['boots 1 ram 1 cause 0', 'boots 2 ram 1 cause 4', 'boots 3 ram 1 cause 4']);
  });
});

const occupancyCsv = join(datasetsDir(), 'occupancy', 'occupancy_test1.csv');
const occupancyApp = join(projectRoot(), 'firmware', 'apps', 'occupancy', 'main.ts');

describe.skipIf(!existsSync(occupancyCsv) || !existsSync(occupancyApp))('the occupancy app on the virtual board', () => {
  const key = '5a'.repeat(32);
  const device = 'sim-occupancy-t';
  let manifestPath: string;
  beforeAll(async () => {
    manifestPath = (await buildApp({ board: 'virtual', app: 'occupancy', outDir: join(dir, 'dist') })).manifestPath;
  });

  it('prints signed frames that verify, and acknowledged frames leave the outbox', async () => {
    const board = new VirtualBoard({ sensors: { environment: occupancyReplay(occupancyCsv).source } });
    installBuild(board, manifestPath, { id: device, key });
    const host = new AckingHost(board, { keys: { [device]: key } });
    const results = await board.runWakes(20);
    expect(results.every((r) => r.ended === 'sleep')).toBe(true);
    expect(results[0]!.cause).toBe(0);
    expect(results[1]!.cause).toBe(4);
    expect(host.received).toBeGreaterThan(0);
    expect(host.verified).toBe(host.received);
    expect(host.rejected).toBe(0);
    expect(board.storage.list().filter((n) => n.startsWith('sp.o'))).toEqual([]);
    expect(board.outputLog).not.toContain(key);
  });

  it('without acknowledgements the outbox fills, and a wrong key is rejected', async () => {
    const board = new VirtualBoard({ sensors: { environment: occupancyReplay(occupancyCsv).source } });
    installBuild(board, manifestPath, { id: device, key });
    const host = new AckingHost(board, { keys: { [device]: 'ff'.repeat(32) } });
    await board.runWakes(20);
    expect(host.received).toBeGreaterThan(0);
    expect(host.verified).toBe(0);
    expect(host.acked).toBe(0);
    expect(board.storage.list().filter((n) => n.startsWith('sp.o')).length).toBeGreaterThan(0);
  });

  it('`spruce sim` prints time-stamped JSON lines and a summary, never the key', async () => {
    const keys = join(dir, 'keys.json');
    const { stdout } = await run(process.execPath, [join(projectRoot(), 'bin', 'spruce.mjs'), 'sim', '--app', 'occupancy', '--wakes', '3', '--json', '--keys', keys], {
      cwd: projectRoot(),
      env: { ...process.env, SPRUCE_KEYS: keys },
      timeout: 120_000,
    });
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = records.pop()!.summary as { wakeCount: number; frames: { received: number; verified: number }; device: string };
    expect(summary.wakeCount).toBe(3);
    expect(summary.frames.received).toBeGreaterThan(0);
    expect(summary.frames.verified).toBe(summary.frames.received);
    expect(records.some((r) => typeof r.t === 'number' && typeof r.line === 'string' && (r.frame as { verified?: boolean })?.verified)).toBe(true);
    const secret = (JSON.parse(readFileSync(keys, 'utf8')) as Record<string, string>)[summary.device]!;
    expect(stdout).not.toContain(secret);
  });
});

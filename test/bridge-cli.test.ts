/**
 * `spruce bridge` as users and scripts meet it: a child process with the default embedded aedes
 * broker, a device simulator on a socat pty, a subscriber, JSON status lines, and the exit codes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../host/cli/main.ts';
import { EXIT_CODES } from '../host/errors.ts';
import { generateKey } from '../host/keys.ts';
import { DeviceSim } from './support/device-sim.ts';
import { sleep } from './support/mosquitto.ts';
import { freePort } from './support/ports.ts';
import { hasSocat, PtyPair } from './support/pty-pair.ts';
import { RecordingSubscriber } from './support/subscriber.ts';

const root = join(import.meta.dirname, '..');

describe.skipIf(!hasSocat())('spruce bridge (CLI)', () => {
  let dir: string;
  let keysPath: string;
  let pair: PtyPair;
  const key = generateKey();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spruce-bridge-cli-'));
    keysPath = join(dir, 'keys.json');
    writeFileSync(keysPath, JSON.stringify({ cli1: key }));
    pair = new PtyPair(dir, 'cli1');
    await pair.start();
  });
  afterAll(async () => {
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards to the embedded broker by default, reports JSON status, exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/spruce.mjs', 'bridge', '--port', pair.hostPath, '--keys', keysPath, '--wal', join(dir, 'wal'), '--embedded-port', String(port), '--json', '--status-interval', '0.5'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const statuses: Array<Record<string, any>> = [];
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      let nl: number;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        statuses.push(JSON.parse(line));
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const subscriber = new RecordingSubscriber(`mqtt://127.0.0.1:${port}`, { cli1: key }, 4);
    const sim = new DeviceSim({ id: 'cli1', key, path: pair.devicePath, rate: 500, total: 300, noise: 0.05, retransmitMs: 2000 });
    try {
      while (statuses.length === 0) {
        if (child.exitCode !== null) throw new Error(stderr);
        await sleep(50);
      }
      await subscriber.start();
      await sim.start();
      const deadline = Date.now() + 30_000;
      while (!(sim.done && subscriber.seen.size === 300) && Date.now() < deadline) await sleep(100);
      expect(subscriber.seen.size).toBe(300);
      expect(subscriber.invalid).toEqual([]);
    } finally {
      await sim.stop();
      await subscriber.close();
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(EXIT_CODES.OK);
    const last = statuses.at(-1)!;
    expect(last.forwarded).toBe(300);
    expect(last.queued).toBe(0);
    expect(last.rejected.forged).toBe(sim.injected.forged);
    expect(last.deviceErrors).toBe(sim.injected.uncaught);
    expect(last.broker.protocol).toBe(4);
    expect(stderr).toContain('embedded broker');
    expect(stderr).not.toContain(key); // secrets never logged
  });

  async function exitOf(args: string[]): Promise<number> {
    const saved = process.exitCode;
    try {
      return await main(['bridge', ...args]);
    } finally {
      process.exitCode = saved;
    }
  }

  it('exits with codes scripts can rely on', async () => {
    const wal = join(dir, 'wal-codes');
    expect(await exitOf(['--keys', keysPath, '--wal', wal])).toBe(EXIT_CODES.USAGE); // no inputs
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(await exitOf(['--port', pair.hostPath, '--keys', bad, '--wal', wal])).toBe(EXIT_CODES.BAD_INPUT);
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    expect(await exitOf(['--port', pair.hostPath, '--keys', empty, '--wal', wal])).toBe(EXIT_CODES.BAD_INPUT);
    const closed = await freePort();
    expect(await exitOf(['--port', pair.hostPath, '--keys', keysPath, '--wal', wal, '--mqtt', `mqtt://127.0.0.1:${closed}`, '--connect-timeout', '1'])).toBe(EXIT_CODES.NETWORK);
    expect(await exitOf(['--port', join(dir, 'no-such-tty'), '--keys', keysPath, '--wal', wal, '--embedded-port', '0'])).toBe(EXIT_CODES.PORT);
    expect(await exitOf(['--port', pair.hostPath, '--keys', keysPath, '--wal', wal, '--window', 'lots'])).toBe(EXIT_CODES.USAGE);
  });
});

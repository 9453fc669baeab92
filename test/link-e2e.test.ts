/**
 * End to end on real pseudo-terminals (socat), against the real virtual board running in real time:
 * flash with verification while `spruce monitor` watches (one port, two commands), frames decoded
 * and verified; an upload cut off by pulling the cable leaves the old firmware booting; the link
 * comes back after an unplug without resetting the board; a REPL round trip; and the error paths
 * a user meets on real ports (missing, busy, silent).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../host/cli/main.ts';
import { loadKeyRegistry } from '../host/keys.ts';
import { EspruinoClient } from '../host/link/espruino.ts';
import { flashApp, type FlashPlan } from '../host/link/flash.ts';
import { openLink } from '../host/link/open.ts';
import { SerialTransport } from '../host/link/serial.ts';
import { VirtualBoard } from '../host/sim/index.ts';
import { serveVirtualBoard, type ServedBoard } from '../host/sim/console/index.ts';
import { PtyPair } from '../host/sim/console/pty.ts';

const root = join(import.meta.dirname, '..');
let dir: string;
const children: ChildProcess[] = [];
const served: ServedBoard[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-e2e-'));
  process.env.SPRUCE_RUN_DIR = join(dir, 'run');
  process.env.SPRUCE_KEYS = join(dir, 'keys.json');
  process.env.SPRUCE_REPL_HISTORY = join(dir, 'history');
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const s of served) await s.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

function spruce(args: string[], input?: string): { child: ChildProcess; output: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, [join(root, 'bin/spruce.mjs'), ...args], { cwd: root, env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  if (input !== undefined) child.stdin!.end(input);
  const exit = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, output: () => out, exit };
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function boardOnPty(): Promise<{ board: VirtualBoard; s: ServedBoard; output: () => string }> {
  const board = new VirtualBoard();
  let out = '';
  board.on('output', (t: string) => (out += t));
  const s = await serveVirtualBoard(board, { serial: true });
  served.push(s);
  return { board, s, output: () => out };
}

function tinyPlan(marker: string, padBytes = 0): FlashPlan {
  return {
    app: 'demo',
    board: 'esp32',
    bundle: Buffer.from(`var MARK=${JSON.stringify(marker)};/*${'x'.repeat(padBytes)}*/print("demo "+MARK);`),
    files: [],
  };
}

describe('spruce and the virtual board on a pseudo-terminal', () => {
  it('flashes the occupancy app with verification while monitor shows its verified frames', async () => {
    const { board, s } = await boardOnPty();
    // monitor first: it owns the port; flash then shares it instead of failing on "busy".
    const log = join(dir, 'monitor.log');
    const monitor = spruce(['monitor', '--port', s.serialPath!, '--json', '--duration', '60', '--log', log]);
    await waitFor(() => monitor.output().includes('listening on'), 20_000, 'monitor to start');
    const code = await main(['flash', '--port', s.serialPath!, '--board', 'esp32', '--app', 'occupancy', '--device-id', 'e2e-dev', '--no-progress']);
    expect(code).toBe(0);
    expect(board.storage.readString('spruce.ver')).toContain('"app":"occupancy"');
    const key = loadKeyRegistry()['e2e-dev'];
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(board.storage.readString('spruce.dev')!)).toEqual({ id: 'e2e-dev', key });
    // The app's first wake reports within ~15 s of real time; monitor verifies with the registry key.
    await waitFor(() => /"type":"frame".*"verified":true/.test(monitor.output()), 40_000, 'a verified frame in monitor').catch((error) => {
      throw new Error(`${error.message}; monitor printed:\n${monitor.output().slice(-3000)}\nboard printed:\n${board.outputLog.slice(-2000)}`);
    });
    const frames = monitor
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{') && l.includes('"type":"frame"'))
      .map((l) => JSON.parse(l));
    expect(frames[0].envelope.dev).toBe('e2e-dev');
    expect(frames.every((f) => f.verified === true)).toBe(true);
    // The key itself never appears in what the commands printed.
    expect(monitor.output()).not.toContain(key!);
    monitor.child.kill('SIGTERM');
    expect(await monitor.exit).toBe(0);
    // --log keeps the same lines, timestamped.
    expect(readFileSync(log, 'utf8')).toContain('"verified":true');
  });

  it('the built bundle stays uploadable with the stock espruino CLI (as documented in flash --help)', async () => {
    const board = new VirtualBoard();
    let out = '';
    board.on('output', (t: string) => (out += t));
    const s = await serveVirtualBoard(board, { tcp: 0 });
    served.push(s);
    // Built into our own folder: dist/ may be rewritten by other tests running at the same time.
    const { buildApp } = await import('../host/build/index.ts');
    const bundle = (await buildApp({ board: 'esp32', app: 'occupancy', outDir: join(dir, 'dist') })).bundlePath;
    const key = 'cd'.repeat(32);
    writeFileSync(join(dir, 'dev.json'), JSON.stringify({ id: 'stock-dev', key }));
    // A local board description keeps the stock CLI off the network.
    writeFileSync(join(dir, 'ESP32.json'), JSON.stringify({ info: { binary_version: '2v29' } }));
    const cli = spawn(process.execPath, [join(root, 'node_modules/espruino/bin/espruino-cli.js'), '--no-ble', '-p', `tcp://127.0.0.1:${s.tcpPort}`, '--board', join(dir, 'ESP32.json'),
      '--storage', `.bootcde:${bundle}`, '--storage', `spruce.dev:${join(dir, 'dev.json')}`, '-e', 'load()'], { stdio: 'ignore' });
    children.push(cli);
    expect(await new Promise((resolve) => cli.on('exit', resolve))).toBe(0);
    expect(board.storage.readString('.bootcde')).toBe(readFileSync(bundle, 'latin1'));
    await waitFor(() => out.includes('@s1 {"dev":"stock-dev"'), 40_000, 'the app uploaded by the stock CLI to report');
    const line = out.split(/\r?\n/).find((l) => l.startsWith('@s1 {"dev":"stock-dev"'))!;
    const { classifyLine } = await import('../host/link/monitor.ts');
    expect(classifyLine(line, { 'stock-dev': key })).toMatchObject({ type: 'frame', verified: true });
  });

  it('an upload cut off by pulling the cable leaves the previous firmware booting', async () => {
    const { board, s, output } = await boardOnPty();
    const transport = new SerialTransport(s.serialPath!, { retryMs: 100 });
    await transport.open();
    const client = new EspruinoClient(transport);
    const v1 = await flashApp(client, tinyPlan('one'));
    await client.sync();
    let unplugged: Promise<void> | undefined;
    const upload = flashApp(client, tinyPlan('two', 20_000), {
      progress: (sent) => {
        if (sent > 4000 && !unplugged) unplugged = s.unplug();
      },
    });
    await expect(upload).rejects.toBeTruthy();
    await unplugged;
    expect(board.storage.exists('spruce.commit')).toBe(false);
    // Power-cycle the board: the old app must come up.
    const before = output().length;
    board.reset();
    await waitFor(() => output().slice(before).includes(`spruce: running demo ${v1.sha}`), 5000, 'the old app to boot');
    expect(output().slice(before)).toContain('demo one');
    await transport.close();
  });

  it('flashes an app that deep-sleeps: waits for the wake, stops its timers, uploads', async () => {
    const { board, s } = await boardOnPty();
    const transport = new SerialTransport(s.serialPath!, { retryMs: 100 });
    await transport.open();
    // A generous answer timeout: the virtual board runs in real time, and on a loaded machine an
    // answer inside the app's short awake window can still take over a second to come back.
    const client = new EspruinoClient(transport, { timeoutMs: 4000 });
    // An app awake for 0.3 s out of every 2 s: most of the time the chip is deaf.
    const sleeper: FlashPlan = { app: 'sleeper', board: 'esp32', bundle: Buffer.from('setTimeout(function(){ESP32.deepSleep(1700000)},300);'), files: [] };
    await flashApp(client, sleeper);
    await waitFor(() => board.state === 'asleep', 5000, 'the app to sleep');
    const steps: string[] = [];
    // ~0.8 s of upload at 115200 baud: longer than the app's awake window, so its timers must be stopped.
    const result = await flashApp(client, tinyPlan('awake', 8000), { step: (m) => steps.push(m) });
    expect(result.boot).toBe('running');
    expect(board.storage.readString('spruce.js')).toContain('awake');
    await transport.close();
  });

  it('reconnects after an unplug without resetting the board', async () => {
    const { board, s } = await boardOnPty();
    let boots = 0;
    board.on('boot', () => boots++);
    const transport = await openLink({ port: s.serialPath!, share: false });
    const client = new EspruinoClient(transport);
    await client.sync();
    await client.eval('global.kept = 41 + 1');
    const events: string[] = [];
    transport.on('disconnect', () => events.push('disconnect'));
    transport.on('open', () => events.push('open'));
    await s.unplug();
    await waitFor(() => events.includes('disconnect'), 5000, 'the disconnect');
    await s.plug();
    await waitFor(() => events.includes('open'), 5000, 'the reconnect');
    await client.sync();
    expect(await client.eval('kept')).toBe(42);
    expect(boots).toBe(0);
    await transport.close();
  });

  it('REPL round trip (piped), with Ctrl-C passed through', async () => {
    const { s } = await boardOnPty();
    const repl = spruce(['repl', '--port', s.serialPath!, '--linger', '500'], 'var a = 20\nunfinished(\x03\na * 2 + 2\n');
    expect(await repl.exit).toBe(0);
    expect(repl.output()).toContain('=42');
    expect(repl.output()).not.toContain('Uncaught');
  });
});

describe('error paths on real ports', () => {
  it('a missing port: E_PORT_MISSING, exit status 5', async () => {
    const run = spruce(['monitor', '--port', join(dir, 'no-such-tty'), '--duration', '1']);
    expect(await run.exit).toBe(5);
    expect(run.output()).toContain('E_PORT_MISSING');
  });

  it('a port held by another program: E_PORT_BUSY with the fix', async () => {
    const pty = new PtyPair({ boardSide: join(dir, 'busy-b'), userSide: join(dir, 'busy-u') });
    await pty.start();
    const holder = new SerialPort({ path: pty.paths.userSide, baudRate: 115200, lock: true, autoOpen: false });
    await new Promise<void>((resolve, reject) => holder.open((e) => (e ? reject(e) : resolve())));
    try {
      await expect(new SerialTransport(pty.paths.userSide).open()).rejects.toMatchObject({ code: 'E_PORT_BUSY' });
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      await pty.stop();
    }
  });

  it('a port with nothing answering: E_DEVICE_NO_ANSWER, exit status 6', async () => {
    const pty = new PtyPair({ boardSide: join(dir, 'mute-b'), userSide: join(dir, 'mute-u') });
    await pty.start();
    try {
      const transport = new SerialTransport(pty.paths.userSide);
      await transport.open();
      const client = new EspruinoClient(transport, { timeoutMs: 300 });
      const error = await client.sync().catch((e) => e);
      expect(error.code).toBe('E_DEVICE_NO_ANSWER');
      expect(error.exit).toBe('DEVICE');
      await transport.close();
    } finally {
      await pty.stop();
    }
  });
});

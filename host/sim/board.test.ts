import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualBoard } from './board.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function collect(board: VirtualBoard): string[] {
  const lines: string[] = [];
  let partial = '';
  board.on('output', (text: string) => {
    partial += text;
    const parts = partial.split('\r\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return lines;
}

/** A firmware that counts boots in Storage and in RAM, then deep-sleeps 60 s. */
const COUNTER = `
var S = require("Storage");
var boots = (S.readJSON("boots", true) || 0) + 1;
S.writeJSON("boots", boots);
if (typeof global.ramCounter === "undefined") global.ramCounter = 0;
global.ramCounter++;
print("boot=" + boots + " ram=" + global.ramCounter + " cause=" + ESP32.getWakeupCause());
setTimeout(function () { ESP32.deepSleep(60 * 1000 * 1000); print("never printed"); }, 100);
`;

describe('deep sleep is a reboot', () => {
  it('loses RAM state, keeps Storage, and reports wake-up cause 0 then 4', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: COUNTER });
    const results = await board.runWakes(3);
    expect(lines).toEqual(['boot=1 ram=1 cause=0', 'boot=2 ram=1 cause=4', 'boot=3 ram=1 cause=4']);
    expect(results.map((r) => r.ended)).toEqual(['sleep', 'sleep', 'sleep']);
    expect(results[0]!.sleepMs).toBe(60_000);
    expect(results[0]!.awakeMs).toBeCloseTo(board.costs.bootMs + 100, 6);
    const meter = board.meter.reading();
    expect(meter.wakes).toBe(3);
    expect(meter.asleepMs).toBe(120_000); // the third sleep has not been slept yet
    expect(board.state).toBe('asleep');
  });

  it('keeps Storage in its backing file across boards (a killed host process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spruce-sim-board-'));
    dirs.push(dir);
    const storagePath = join(dir, 'flash.json');
    const first = new VirtualBoard({ storagePath });
    first.install({ bundle: COUNTER });
    await first.runWakes(2);
    const second = new VirtualBoard({ storagePath });
    const lines = collect(second);
    await second.runUntilSleep();
    expect(lines).toEqual(['boot=3 ram=1 cause=0']);
  });

  it('stops firmware that keeps going after deepSleep and warns if it swallowed the halt', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'try { ESP32.deepSleep(1000000); } catch (e) { } print("zombie"); require("Storage").write("z", "1");' });
    const result = await board.runUntilSleep();
    expect(result.ended).toBe('sleep');
    expect(lines).toEqual([]);
    expect(board.storage.exists('z')).toBe(false);
    expect(board.warnings.join()).toMatch(/kept running after the board halted/);
  });

  it('a power cut during a Storage write turns the board off even if firmware catches it', async () => {
    const board = new VirtualBoard();
    board.install({ bundle: 'try { require("Storage").write("data", "0123456789"); } catch (e) { print("caught"); }' });
    const lines = collect(board);
    board.storage.failAfterBytes(4);
    const result = await board.runUntilSleep();
    expect(result.ended).toBe('powerloss');
    expect(board.state).toBe('off');
    expect(lines).toEqual([]);
    expect(board.storage.readString('data')).toBe('0123\xff\xff\xff\xff\xff\xff'); // created full size, 4 bytes programmed
    const after = await board.runUntilSleep(); // power comes back: a cold boot
    expect(after.cause).toBe(0);
  });
});

describe('boot order, timers and the virtual clock', () => {
  it('runs .boot0-.boot3, .bootcde, E.on("init") handlers, then onInit()', () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({
      bundle: 'print("bootcde"); E.on("init", function () { print("init"); }); function onInit() { print("onInit"); }',
      files: { '.boot1': 'print("boot1")', '.boot0': 'print("boot0")' },
    });
    board.boot();
    expect(lines).toEqual(['boot0', 'boot1', 'bootcde', 'init', 'onInit']);
  });

  it('fires timeouts and intervals in virtual time without drift', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({
      bundle: `
        var t0 = getTime(), n = 0;
        var iv = setInterval(function () { n++; print("tick " + Math.round((getTime() - t0) * 1000)); if (n === 3) clearInterval(iv); }, 1000);
        var gone = setTimeout(function () { print("cleared"); }, 500); clearTimeout(gone); clearTimeout(undefined);
        setTimeout(function () { print("late " + Math.round((getTime() - t0) * 1000)); ESP32.deepSleep(5e6); }, 3500, 1);
      `,
    });
    const realStart = Date.now();
    const result = await board.runUntilSleep();
    expect(lines).toEqual(['tick 1000', 'tick 2000', 'tick 3000', 'late 3500']);
    expect(result.awakeMs).toBeCloseTo(board.costs.bootMs + 3500, 6);
    expect(Date.now() - realStart).toBeLessThan(3500); // virtual, not real, seconds
  });

  it('reports uncaught errors like Espruino and keeps running', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'setTimeout(function () { throw new Error("boom"); }, 10); setTimeout(function () { print("still here"); ESP32.deepSleep(1e6); }, 20);' });
    await board.runUntilSleep();
    expect(lines).toEqual(['Uncaught Error: boom', 'still here']);
  });

  it('ends a wake as idle when nothing is scheduled, and evaluate() runs in the live context', async () => {
    const board = new VirtualBoard();
    board.install({ bundle: 'var x = 41;' });
    const result = await board.runUntilSleep();
    expect(result.ended).toBe('idle');
    expect(board.evaluate('x + 1')).toBe(42);
    board.evaluate('setTimeout(function () { ESP32.deepSleep(2e6); }, 50)');
    const next = await board.runUntilSleep();
    expect(next.ended).toBe('sleep');
    expect(() => board.evaluate('1')).toThrow(/asleep/);
  });

  it('load() reboots from flash without a chip reset; reset() clears RAM and skips .bootcde', () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'var v = 1; print("app");' });
    board.boot();
    board.evaluate('v = 2; load()');
    expect(board.evaluate('v')).toBe(1);
    board.evaluate('reset()');
    expect(board.evaluate('typeof v')).toBe('undefined');
    expect(lines).toEqual(['app', 'app']);
  });

  it('a runaway loop trips the watchdog instead of hanging the host (in a callback or at boot)', async () => {
    const board = new VirtualBoard({ scriptTimeoutMs: 200 });
    const lines = collect(board);
    board.install({ bundle: 'print("up"); setTimeout(function () { Promise.resolve().then(function () { print("job"); }); }, 5); setTimeout(function () { for (;;) {} }, 10);' });
    const result = await board.runUntilSleep();
    expect(result.ended).toBe('watchdog');
    expect(lines).toEqual(['up', 'job']);
    expect(board.state).toBe('off');
    board.install({ bundle: 'while (true) {}' });
    const again = await board.runUntilSleep();
    expect(again.ended).toBe('watchdog');
  });

  it('a manual watchdog that is not kicked resets the board', async () => {
    const board = new VirtualBoard();
    board.install({ bundle: 'E.enableWatchdog(2, false); setInterval(function () {}, 500);' });
    const result = await board.runUntilSleep();
    expect(result.ended).toBe('watchdog');
    expect(board.warnings.join()).toMatch(/kickWatchdog/);
  });
});

describe('device APIs', () => {
  it('require of an unknown module fails like Espruino; crypto.SHA256 returns an ArrayBuffer', () => {
    const board = new VirtualBoard();
    board.install({ bundle: '// empty app' });
    board.boot();
    expect(() => board.evaluate('require("nope")')).toThrow('Module nope not found');
    const digest = board.evaluate('var h = require("crypto").SHA256("abc"); [h instanceof ArrayBuffer, new Uint8Array(h)[0], h.byteLength]');
    expect(digest).toEqual([true, 0xba, 32]);
    expect(board.evaluate('new Uint8Array(require("crypto").SHA256(new Uint8Array([97,98,99])))[31]')).toBe(0xad);
  });

  it('exposes Storage with Espruino semantics to firmware', () => {
    const board = new VirtualBoard();
    board.install({ bundle: '// empty app' });
    board.boot();
    board.evaluate('var S = require("Storage"); S.write("f", "ab", 0, 6); S.write("f", "cd", 2);');
    expect(board.evaluate('S.read("f")')).toBe('abcd\xff\xff');
    expect(() => board.evaluate('S.write("f", "zz", 1)')).toThrow(/already written/);
    expect(board.evaluate('new Uint8Array(S.readArrayBuffer("f"))[1]')).toBe(98);
    board.evaluate('var log = S.open("log", "a"); log.write("one\\n"); log.write("two\\n");');
    expect(board.evaluate('var r = S.open("log", "r"); [r.readLine(), r.readLine(), r.readLine()]')).toEqual(['one\n', 'two\n', undefined]);
    expect(board.evaluate('S.list(/^f/)')).toEqual(['f']);
    expect(board.evaluate('S.list(undefined, {sf: true})')).toEqual(['log']);
    expect(board.evaluate('S.getFree() > 0 && S.getFree() <= 917504')).toBe(true);
  });

  it('analogRead works on ADC pins only; process.memory() estimates usage from the code size', () => {
    const board = new VirtualBoard({ sensors: { adc: { D34: () => ({ volts: 1.65 }) } } });
    board.install({ bundle: `var big = "${'x'.repeat(5000)}";` });
    board.boot();
    expect(board.evaluate('analogRead(D34)')).toBeCloseTo(0.5, 3);
    expect(() => board.evaluate('analogRead(D2)')).toThrow(/not an ADC pin/);
    const memory = board.evaluate('process.memory()') as { usage: number; total: number; free: number };
    expect(memory.total).toBe(16383);
    expect(memory.usage).toBeGreaterThan(47 + 500); // 5 KB of code ≈ 500 vars, plus the string
    expect(memory.free).toBe(memory.total - memory.usage);
    expect(board.evaluate('process.env.BOARD + " " + process.env.VERSION')).toBe('ESP32 2v29');
  });

  it('E natives are the measured ones', () => {
    const board = new VirtualBoard();
    board.install({ bundle: '// empty app' });
    board.boot();
    expect(board.evaluate('E.variance([1,2,3], 2)')).toBe(2);
    expect(board.evaluate('E.convolve([1,2,3],[4,5,6],1)')).toBe(29);
    expect(board.evaluate('var re = new Float32Array(8), im = new Float32Array(8); re[0] = 1; E.FFT(re, im); re[3]')).toBe(0.125);
    expect(board.evaluate('var t = new Int8Array(1); E.mapInPlace(new Uint8Array([0]), t, [200]); t[0]')).toBe(-56);
    expect(() => board.evaluate('E.mapInPlace([1], [1], [1])')).toThrow(/array buffers/);
  });

  it('emitEvent reaches E.on handlers with data copied into the sandbox', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'E.on("packet", function (d) { print("got " + d.cmd + " " + (d instanceof Object)); ESP32.deepSleep(1e6); });' });
    board.boot();
    board.emitEvent('packet', { cmd: 'ping' });
    await board.runUntilSleep();
    expect(lines).toEqual(['got ping true']);
  });

  it('setWatch fires on pin changes the host makes', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'setWatch(function (e) { print("edge " + e.state); ESP32.deepSleep(1e6); }, D4, { repeat: true, edge: "rising" });' });
    board.boot();
    board.setPin('D4', true);
    await board.runUntilSleep();
    expect(lines).toEqual(['edge true']);
  });
});

// ESP32.lightSleep(ms): it blocks in virtual time like the chip (RAM and the wake kept, the meter
// in light sleep, not a new wake), and timers that fell due during it fire afterwards, late and in
// due order.
const LIGHT_SLEEPER = `
var t0 = getTime();
var kept = { n: 41 };
function ms() { return Math.round((getTime() - t0) * 1000); }
setTimeout(function () { print("b at " + ms()); }, 300);
setTimeout(function () { print("a at " + ms()); }, 100);
ESP32.lightSleep(1000);
kept.n++;
print("woke at " + ms() + " kept " + kept.n + " cause " + ESP32.getWakeupCause());
setTimeout(function () { print("after at " + ms()); ESP32.deepSleep(5e6); }, 50);
`;

describe('ESP32.lightSleep on the virtual board', () => {
  it('blocks for the virtual time, keeps RAM, is metered as light sleep within the same wake', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: LIGHT_SLEEPER });
    const r = await board.runUntilSleep();
    expect(r.ended).toBe('sleep');
    // Timers due during the sleep (at 100 and 300 ms) ran after it, late, in due order.
    expect(lines).toEqual(['woke at 1000 kept 42 cause 0', 'a at 1000', 'b at 1000', 'after at 1050']);
    const meter = board.meter.reading();
    expect(meter.wakes).toBe(1);
    expect(meter.lightSleepMs).toBe(1000);
    expect(meter.awakeMs).toBeCloseTo(board.costs.bootMs + 50, 6);
  });

  it('returns at once for a zero, negative or missing duration', async () => {
    const board = new VirtualBoard();
    const lines = collect(board);
    board.install({ bundle: 'ESP32.lightSleep(0); ESP32.lightSleep(-5); ESP32.lightSleep(); print("ok"); ESP32.deepSleep(1e6);' });
    await board.runUntilSleep();
    expect(lines).toEqual(['ok']);
    expect(board.meter.reading().lightSleepMs).toBe(0);
  });
});

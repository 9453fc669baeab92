// ESP32.lightSleep(ms) on the virtual board: it blocks in virtual time like the chip (RAM and the
// wake kept, the meter in light sleep, not a new wake), and timers that fell due during it fire
// afterwards, late and in due order.
import { describe, expect, it } from 'vitest';
import { VirtualBoard } from './board.ts';

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

import { describe, expect, it } from 'vitest';
import { MISSING_GLOBALS, MISSING_MEMBERS, ESPRUINO_GLOBALS } from '../espruino/globals.ts';
import { VirtualBoard, DeviceException } from './board.ts';

/** A board that is awake at a prompt (empty .bootcde), for evaluating snippets. */
function awakeBoard(): VirtualBoard {
  const board = new VirtualBoard();
  board.install({ bundle: '// empty' });
  board.boot(0);
  return board;
}

describe('the sandbox has Espruino\'s globals and nothing of Node\'s', () => {
  it('has no global that is missing on Espruino', () => {
    const board = awakeBoard();
    for (const name of MISSING_GLOBALS) {
      expect(board.evaluate(`typeof ${name}`), name).toBe('undefined');
    }
    for (const name of ['process.versions', 'process.exit', 'require("fs")']) {
      expect(() => board.evaluate(`${name}.x`), name).toThrow();
    }
  });

  it('fails when firmware uses them, like the device', () => {
    const board = awakeBoard();
    expect(() => board.evaluate('new Map()')).toThrow(DeviceException);
    expect(() => board.evaluate('new Map()')).toThrow(/Map is not defined/);
    expect(() => board.evaluate('Symbol("x")')).toThrow(/Symbol/);
    expect(() => board.evaluate('Array.from([1])')).toThrow(/not a function/);
    expect(() => board.evaluate('Math.imul(2, 3)')).toThrow(/not a function/);
  });

  it('lacks every member listed in MISSING_MEMBERS', () => {
    const board = awakeBoard();
    for (const [owner, names] of Object.entries(MISSING_MEMBERS)) {
      for (const name of names) expect(board.evaluate(`typeof ${owner}.${name}`), `${owner}.${name}`).toBe('undefined');
    }
  });

  it('exposes only names on the ESPRUINO_GLOBALS list', () => {
    const board = awakeBoard();
    const names = board.evaluate('Object.keys(globalThis).concat(Object.getOwnPropertyNames(globalThis))') as string[];
    const extra = [...new Set(names)].filter((n) => !ESPRUINO_GLOBALS.has(n) && !n.startsWith('\u0000'));
    expect(extra).toEqual([]);
    for (const name of ['E', 'ESP32', 'print', 'require', 'I2C1', 'D21', 'analogRead', 'getTime', 'setTimeout']) {
      expect(board.evaluate(`typeof ${name}`), name).not.toBe('undefined');
    }
  });

  it('reproduces Espruino\'s Math.round of negative halves and keeps the rest of the language', () => {
    const board = awakeBoard();
    expect(board.evaluate('[Math.round(-2.5), Math.round(-0.5), Math.round(2.5), Math.round(-2.4)]')).toEqual([-3, -1, 3, -2]);
    expect(board.evaluate('[1,2,3].includes(2) && [1,2].find(function(x){return x>1})')).toBe(2);
    expect(board.evaluate('new Int8Array([200])[0]')).toBe(-56);
    expect(board.evaluate('JSON.stringify(Object.assign({a:1},{b:2}))')).toBe('{"a":1,"b":2}');
    expect(board.evaluate('btoa("hi") + atob("aGk=")')).toBe('aGk=hi');
  });

  it('Date follows the virtual clock', () => {
    const board = new VirtualBoard({ startTimeMs: Date.UTC(2026, 0, 1) });
    board.install({ bundle: '' + 'var t0 = Date.now();' });
    board.boot(0);
    expect(board.evaluate('new Date().toISOString()')).toBe('2026-01-01T00:00:00.250Z'); // after the 250 ms boot
    expect(board.evaluate('Date.now() === getTime() * 1000')).toBe(true);
    expect(board.evaluate('new Date(0).getTime()')).toBe(0);
  });
});

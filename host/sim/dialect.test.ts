/**
 * The number traps of ESPRUINO.md section 1, inside the virtual board's sandbox: each behaves
 * as measured on the device, the rest of the language keeps working, and what the sandbox
 * cannot reproduce (README "Known differences") is pinned here so the README stays true.
 */
import { describe, expect, it } from 'vitest';
import { VirtualBoard } from './board.ts';
import { espruinoJsonNumbers, espruinoToFixed } from './format.ts';

function awakeBoard(): VirtualBoard {
  const board = new VirtualBoard();
  board.install({ bundle: '// empty' });
  board.boot(0);
  return board;
}

describe('number traps reproduced in the sandbox', () => {
  const board = awakeBoard();
  const run = (code: string) => board.evaluate(code);

  it('Math.round rounds negative halves away from zero', () => {
    expect(run('[Math.round(-2.5), Math.round(-0.5), Math.round(2.5), Math.round(-2.4)]')).toEqual([-3, -1, 3, -2]);
  });

  it('numbers become text with ~12 significant digits: String(), toString(), JSON.stringify', () => {
    expect(run('String(123456789.123)')).toBe('123456789.12299999594');
    expect(run('(123456789.123).toString()')).toBe('123456789.12299999594');
    expect(run('Math.sqrt(2).toString()')).toBe('1.41421356237');
    expect(run('JSON.stringify({ a: 123456789.123, b: 1e21, s: "123456789.123", n: [0.5, -2, 17] })'))
      .toBe('{"a":123456789.12299999594,"b":10e+20,"s":"123456789.123","n":[0.5,-2,17]}');
    expect(run('new String(0.1 + 0.2).valueOf()')).toBe('0.3');
    // Integers and other radixes are unchanged.
    expect(run('[String(42), (255).toString(16), String(-7), JSON.stringify([1, 2])].join(" ")')).toBe('42 ff -7 [1,2]');
  });

  it('toFixed truncates: (2.5).toFixed(0) is "2"', () => {
    expect(run('(2.5).toFixed(0)')).toBe('2');
    expect(run('(2.9).toFixed(0)')).toBe('2');
    expect(run('(3.14159).toFixed(2)')).toBe('3.14');
    expect(run('(-2.5).toFixed(0)')).toBe('-2');
  });

  it('Number() does not trim whitespace: Number(" 12 ") is NaN', () => {
    expect(run('isNaN(Number(" 12 ")) && isNaN(Number("12 ")) && isNaN(new Number(" 12").valueOf())')).toBe(true);
    expect(run('[Number("12"), Number("-1.5"), Number(), Number(true)]')).toEqual([12, -1.5, 0, 1]);
    expect(run('typeof Number.MAX_VALUE === "number" && typeof Number.isInteger === "undefined" && (5).constructor === Number')).toBe(true);
  });

  it('JSON ignores the replacer and the reviver', () => {
    expect(run('JSON.stringify({ a: 1 }, function () { return 5; })')).toBe('{"a":1}');
    expect(run('JSON.parse("[1]", function () { return 7; })[0]')).toBe(1);
    expect(run('JSON.stringify({ a: [1] }, null, 1)')).toBe('{\n "a": [\n  1\n ]\n}');
  });

  it('Uint8ClampedArray truncates before clamping when filled from values', () => {
    expect(run('[].slice.call(new Uint8ClampedArray([1.5, 2.5, 0.9, 255.9, -3, 300, NaN])).join()')).toBe('1,2,0,255,0,255,0');
    expect(run('var c = new Uint8ClampedArray(4); c.set([1.5, 2.7], 1); c.fill(9.9, 3); [].slice.call(c).join()')).toBe('0,1,2,9');
    expect(run('new Uint8ClampedArray(new Float64Array([1.5]))[0] + new Uint8ClampedArray(new Int32Array([300, -4]))[1]')).toBe(1);
    // Still a real typed array: views, instanceof, constructor, natives.
    expect(run('var s = new Uint8ClampedArray(4).subarray(1); s instanceof Uint8ClampedArray && s.constructor === Uint8ClampedArray && s.length === 3')).toBe(true);
    expect(run('var m = new Uint8ClampedArray(2); E.mapInPlace(new Float64Array([0.5, 1.5]), m, function (x) { return x * 2 + 0.7; }); [].slice.call(m).join()')).toBe('0,2'); // 0.7, 2.7 stored
  });
});

describe('known differences (host/sim/README.md)', () => {
  const board = awakeBoard();
  it('concatenation and join still use JavaScript\'s number-to-string', () => {
    expect(board.evaluate('"" + 123456789.123')).toBe('123456789.123');
    expect(board.evaluate('[0.1 + 0.2].join()')).toBe('0.30000000000000004');
  });
  it('-0 from arithmetic is kept, and indexed clamped stores round', () => {
    expect(board.evaluate('1 / (-0)')).toBe(-Infinity);
    expect(board.evaluate('var c = new Uint8ClampedArray(1); c[0] = 1.5; c[0]')).toBe(2);
  });
});

describe('espruinoToFixed and espruinoJsonNumbers', () => {
  it('follows ftoa: integer part truncated, last digit rounds from .6, near-integers snap', () => {
    expect(espruinoToFixed(2.5, 0)).toBe('2');
    expect(espruinoToFixed(1.25, 1)).toBe('1.2');
    expect(espruinoToFixed(1.26, 1)).toBe('1.3');
    expect(espruinoToFixed(2.99999999, 2)).toBe('3.00');
    expect(espruinoToFixed(5, 2)).toBe('5.00');
    expect(espruinoToFixed(NaN, 2)).toBe('NaN');
    expect(espruinoToFixed(1.5, -3)).toBe('1');
  });
  it('rewrites number tokens only, never inside strings', () => {
    expect(espruinoJsonNumbers('{"k\\"1.5":[1.5e-7,0.1,"0.30000000000000004",2147483648]}'))
      .toBe('{"k\\"1.5":[1.5e-7,0.1,"0.30000000000000004",2147483648]}');
    expect(espruinoJsonNumbers('[0.30000000000000004,-123456789.123]')).toBe('[0.3,-123456789.12299999594]');
  });
});

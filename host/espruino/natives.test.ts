import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { convolve, createNatives, espruinoRound, FFT, hostNatives, mapInPlace, sum, variance } from './natives.ts';

describe('E.sum / E.variance / E.convolve (ESPRUINO.md measured examples)', () => {
  it('sums as a double without typed-array overflow', () => {
    expect(sum([1, 2, 3])).toBe(6);
    expect(sum(new Uint8Array([200, 200, 200]))).toBe(600);
    expect(sum(new Float32Array([0.5, 0.25]))).toBe(0.75);
  });
  it('variance is the SUM of squared deviations', () => {
    expect(variance([1, 2, 3], 2)).toBe(2);
    expect(variance(new Int16Array([-2, 2]), 0)).toBe(8);
  });
  it('convolve is a circular dot product: [1,2,3]·[4,5,6] offset 1 = 29', () => {
    expect(convolve([1, 2, 3], [4, 5, 6], 1)).toBe(29); // 1*5 + 2*6 + 3*4
    expect(convolve([1, 2, 3], [4, 5, 6], 0)).toBe(32);
    expect(convolve([1, 2, 3], [4, 5, 6], 4)).toBe(29); // offset wraps modulo the length
    expect(convolve([1, 2, 3], [4, 5, 6], -2)).toBe(29); // negative counts back from the end
    expect(convolve(new Int8Array([1, 1, 1, 1]), new Int8Array([1, 2]), 0)).toBe(6);
  });
  it('rejects non-iterables like the device', () => {
    expect(() => sum(5 as unknown as number[])).toThrow(/array/);
  });
});

describe('E.mapInPlace', () => {
  it('array map: to[i] = map[from[i]], outside the map gives 0 in an integer array', () => {
    const from = new Uint8Array([0, 1, 2, 7]);
    const to = new Uint8Array(4);
    mapInPlace(from, to, [10, 20, 30]);
    expect([...to]).toEqual([10, 20, 30, 0]);
  });
  it('respects typed-array wrap on store (Int8Array 200 → -56)', () => {
    const to = new Int8Array(2);
    mapInPlace(new Uint8Array([0, 1]), to, [200, 100]);
    expect([...to]).toEqual([-56, 100]);
    expect(new Int8Array([200])[0]).toBe(-56);
  });
  it('Uint8ClampedArray truncates before clamping (1.5 → 1, Node would give 2)', () => {
    const to = new Uint8ClampedArray(3);
    mapInPlace(new Uint8Array([0, 1, 2]), to, [1.5, 300, -4]);
    expect([...to]).toEqual([1, 255, 0]);
  });
  it('a function map is called per element with (value, index)', () => {
    const calls: number[][] = [];
    const to = new Int16Array(3);
    mapInPlace(new Uint8Array([5, 6, 7]), to, (v, i) => { calls.push([v, i]); return v * 100; });
    expect([...to]).toEqual([500, 600, 700]);
    expect(calls).toEqual([[5, 0], [6, 1], [7, 2]]);
  });
  it('reproduces the examples of Espruino\'s reference (undefined map, bits)', () => {
    const lutDemo = new Uint8Array([1, 2, 3, 1, 2, 3]);
    mapInPlace(lutDemo, lutDemo, new Uint8Array([128, 129, 130, 131]));
    expect([...lutDemo]).toEqual([129, 130, 131, 129, 130, 131]);
    const a = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
    const b = new Uint8Array(8);
    mapInPlace(a, b, undefined);
    expect([...b]).toEqual([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]);
    mapInPlace(a, b, (_v, i) => i);
    expect([...b]).toEqual([0, 1, 2, 3, 0, 0, 0, 0]); // only a.length elements are written
    mapInPlace(a, b, undefined, 4);
    expect([...b]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    mapInPlace(a, b, undefined, -4);
    expect([...b]).toEqual([2, 1, 4, 3, 6, 5, 8, 7]);
    const c = new Uint16Array(4);
    mapInPlace(a, c, undefined, 12);
    expect([...c]).toEqual([0x123, 0x456, 0x780, 0]);
    mapInPlace(a, c, undefined, -12);
    expect([...c]).toEqual([0x412, 0x563, 0x078, 0]);
  });
  it('an Int8Array source indexes the map by its 8-bit pattern (-1 → 255)', () => {
    const map = new Uint8Array(256);
    map[255] = 42;
    const to = new Uint8Array(1);
    mapInPlace(new Int8Array([-1]), to, map);
    expect(to[0]).toBe(42);
  });
  it('requires array buffers', () => {
    expect(() => mapInPlace([1, 2] as unknown as Uint8Array, new Uint8Array(2), [1])).toThrow(/array buffers/);
  });
});

describe('E.FFT', () => {
  it('an impulse of length 8 gives 0.125 in every bin (forward divides by N)', () => {
    const re = new Float32Array([1, 0, 0, 0, 0, 0, 0, 0]);
    const im = new Float32Array(8);
    FFT(re, im);
    expect([...re]).toEqual(new Array(8).fill(0.125));
    expect([...im]).toEqual(new Array(8).fill(0));
  });
  it('a constant gives its mean in bin 0', () => {
    const re = new Float64Array([3, 3, 3, 3]);
    const im = new Float64Array(4);
    FFT(re, im);
    expect(re[0]).toBe(3);
    expect([...re.slice(1)]).toEqual([0, 0, 0]);
  });
  it('inverse is not normalised: forward then inverse gives back the input', () => {
    const input = [1, 2, 3, 4, -1, -2, 0.5, 7];
    const re = new Float64Array(input);
    const im = new Float64Array(8);
    FFT(re, im);
    FFT(re, im, true);
    re.forEach((v, i) => expect(v).toBeCloseTo(input[i]!, 5));
    const once = new Float64Array([1, 0, 0, 0]);
    FFT(once, new Float64Array(4), true);
    expect([...once]).toEqual([1, 1, 1, 1]); // no division by N on the inverse
  });
  it('integer typed arrays are truncated in place ([1,0,-1,0,...] becomes all zeros)', () => {
    const re = new Int16Array([1, 0, -1, 0, 1, 0, -1, 0]);
    const im = new Int16Array(8);
    FFT(re, im);
    expect([...re]).toEqual(new Array(8).fill(0));
    // the same data in floats has 0.5 in bins 2 and 6
    const fre = new Float32Array([1, 0, -1, 0, 1, 0, -1, 0]);
    FFT(fre, new Float32Array(8));
    expect(fre[2]).toBe(0.5);
    expect(fre[6]).toBe(0.5);
  });
  it('computes in 32-bit floats: results are float32-representable even in a Float64Array', () => {
    const re = new Float64Array([0.1, 0.7, 0.3, 0.9, 0.2, 0.4, 0.8, 0.6]);
    FFT(re, new Float64Array(8));
    for (const v of re) expect(Math.fround(v)).toBe(v);
  });
  it('without an imaginary array the modulus is written back', () => {
    const re = new Float32Array([0, 1, 0, -1]);
    FFT(re);
    expect([...re]).toEqual([0, 0.5, 0, 0.5]);
  });
});

describe('Math.round and E.toUint8Array', () => {
  it('rounds negative halves away from zero', () => {
    expect(espruinoRound(-2.5)).toBe(-3);
    expect(espruinoRound(-0.5)).toBe(-1);
    expect(espruinoRound(2.5)).toBe(3);
    expect(espruinoRound(-2.4)).toBe(-2);
    expect(Object.is(espruinoRound(-0.2), 0)).toBe(true); // no -0
    expect(Math.round(-2.5)).toBe(-2); // Node differs: this is why the device trap matters
  });
  it('toUint8Array flattens numbers, strings, arrays and {data,count}', () => {
    expect([...hostNatives.toUint8Array([1, { data: 2, count: 3 }, 3])]).toEqual([1, 2, 2, 2, 3]);
    expect([...hostNatives.toUint8Array('Hello')]).toEqual([72, 101, 108, 108, 111]);
    expect([...hostNatives.toUint8Array(['hi', { callback: () => [1, 2, 3] }])]).toEqual([104, 105, 1, 2, 3]);
  });
  it('works on another realm\'s arrays and creates the caller realm\'s objects', () => {
    const realm = runInNewContext('({ Uint8Array, re: new Float32Array([1,0,0,0]), im: new Float32Array(4) })') as {
      Uint8Array: Uint8ArrayConstructor; re: Float32Array; im: Float32Array;
    };
    const natives = createNatives(realm);
    natives.FFT(realm.re, realm.im);
    expect([...realm.re]).toEqual([0.25, 0.25, 0.25, 0.25]);
    const bytes = natives.toUint8Array('A');
    expect(bytes instanceof Uint8Array).toBe(false);
    expect(bytes instanceof realm.Uint8Array).toBe(true);
  });
});

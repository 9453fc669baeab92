import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostNatives } from '../../../host/espruino/natives.ts';
import { encodeLut, fnv1a, type LutContents } from '../../../models/lut/encode.ts';
import { parseLut, LUT_HEADER_BYTES } from './format.ts';
import { classifyReference, createLutClassifier } from './infer.ts';
import { loadLutModel } from './runtime.ts';

function randomContents(seed: number, bins: number, classes: number, features: number, pairs: number): LutContents {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const columns = classes === 2 ? 1 : classes;
  const thresholds = new Int32Array(features * (bins - 1));
  for (let f = 0; f < features; f++) {
    let t = Math.floor(next() * 200) - 100;
    // Non-decreasing, with repeats now and then (features with few distinct values).
    for (let j = 0; j < bins - 1; j++) thresholds[f * (bins - 1) + j] = t += next() < 0.2 ? 0 : 1 + Math.floor(next() * 30);
  }
  const table = Int8Array.from({ length: columns * features * bins }, () => Math.floor(next() * 255) - 127);
  const bias = Int16Array.from({ length: columns }, () => Math.floor(next() * 2000) - 1000);
  const pairBins = 4;
  const blocks = Array.from({ length: pairs }, (_, p) => ({
    a: p % features,
    b: (p + 1) % features,
    thresholdsA: Int32Array.from([-20, 0, 20]),
    thresholdsB: Int32Array.from([-50, 10, 10]),
    table: Int8Array.from({ length: columns * pairBins * pairBins }, () => Math.floor(next() * 255) - 127),
  }));
  return { features, bins, classes, columns, scale: 12.5, thresholds, bias, table, pairBins, pairs: blocks };
}

function buffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

describe('LUT binary format', () => {
  it('round-trips every field through encode and parse', () => {
    const contents = randomContents(7, 16, 5, 12, 2);
    const bytes = encodeLut(contents);
    const parsed = parseLut(buffer(bytes));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const m = parsed.model;
    expect([m.version, m.features, m.bins, m.classes, m.columns, m.pairs.length, m.pairBins]).toEqual([1, 12, 16, 5, 5, 2, 4]);
    expect(m.scale).toBe(12.5);
    expect(Array.from(m.thresholds)).toEqual(Array.from(contents.thresholds));
    expect(Array.from(m.bias)).toEqual(Array.from(contents.bias));
    expect(m.tables.flatMap((t) => Array.from(t))).toEqual(Array.from(contents.table));
    expect(Array.from(m.pairs[1]!.thresholdsB)).toEqual([-50, 10, 10]);
    expect(m.hash).toBe(fnv1a(bytes.subarray(LUT_HEADER_BYTES)));
    expect(m.byteLength).toBe(bytes.length);
  });

  it('stores a binary task as one column', () => {
    const parsed = parseLut(buffer(encodeLut(randomContents(3, 8, 2, 4, 0))));
    expect(parsed.ok && parsed.model.columns).toBe(1);
  });

  it('refuses damaged or foreign files with stable codes', () => {
    const bytes = encodeLut(randomContents(1, 16, 3, 5, 0));
    const copy = (edit: (b: Uint8Array) => void) => { const b = Uint8Array.from(bytes); edit(b); return buffer(b); };
    const code = (b: ArrayBuffer) => { const r = parseLut(b); return r.ok ? 'ok' : r.code; };
    expect(code(copy((b) => (b[0] = 0x41)))).toBe('E_MODEL_MAGIC');
    expect(code(copy((b) => (b[4] = 9)))).toBe('E_MODEL_VERSION');
    expect(code(copy((b) => (b[7] = 12)))).toBe('E_MODEL_DIMS');
    expect(code(buffer(bytes.subarray(0, bytes.length - 1)))).toBe('E_MODEL_SHORT');
    expect(code(new ArrayBuffer(4))).toBe('E_MODEL_SHORT');
  });
});

describe('LUT kernels', () => {
  it('the fast kernel (native gathers) agrees with the reference kernel on random models and inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(2, 4, 8, 16),
        fc.constantFrom(2, 3, 5),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.integer({ min: -400, max: 400 }), { minLength: 20, maxLength: 20 }),
        (seed, bins, classes, features, pairs, x) => {
          const parsed = parseLut(buffer(encodeLut(randomContents(seed, bins, classes, features, pairs))));
          if (!parsed.ok) return false;
          const fast = createLutClassifier(hostNatives, parsed.model);
          const scores = new Int32Array(parsed.model.columns);
          const expected = classifyReference(parsed.model, x, scores);
          return fast.classify(x) === expected && Array.from(fast.scores).every((v, i) => v === scores[i]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('bins x by the number of thresholds below it and breaks ties to the lowest class', () => {
    const contents: LutContents = {
      features: 1, bins: 4, classes: 3, columns: 3, scale: 1,
      thresholds: Int32Array.from([10, 20, 30]),
      bias: Int16Array.from([0, 0, 0]),
      // class 0 wins bin 0, class 1 bin 1, class 2 bin 2; bin 3 is a three-way tie.
      table: Int8Array.from([5, 0, 0, 1, /**/ 0, 5, 0, 1, /**/ 0, 0, 5, 1]),
    };
    const parsed = parseLut(buffer(encodeLut(contents)));
    if (!parsed.ok) throw new Error(parsed.detail);
    const fast = createLutClassifier(hostNatives, parsed.model);
    for (const [x, cls] of [[10, 0], [11, 1], [20, 1], [21, 2], [31, 0], [-999, 0]] as const) {
      expect(classifyReference(parsed.model, [x])).toBe(cls);
      expect(fast.classify([x])).toBe(cls);
    }
  });
});

describe('the general loader (any model, pair tables included)', () => {
  it('loads a model whose header hash is the expected one and refuses a missing file or another hash', () => {
    const bytes = encodeLut(randomContents(9, 8, 3, 6, 2));
    const parsed = parseLut(buffer(bytes));
    if (!parsed.ok) throw new Error(parsed.detail);
    const loaded = loadLutModel(hostNatives, buffer(bytes), 'm.lut', parsed.model.hash);
    if (!loaded.ok) throw new Error(loaded.detail);
    const x = [5, -40, 12, 90, -7, 33];
    expect(loaded.classifier.classify(x)).toBe(classifyReference(parsed.model, x));
    expect(loaded.classes).toBe(3);
    const code = (r: ReturnType<typeof loadLutModel>) => (r.ok ? 'ok' : r.code);
    expect(code(loadLutModel(hostNatives, undefined, 'm.lut', parsed.model.hash))).toBe('E_MODEL_MISSING');
    expect(code(loadLutModel(hostNatives, buffer(bytes), 'm.lut', parsed.model.hash ^ 1))).toBe('E_MODEL_HASH');
    expect(code(loadLutModel(hostNatives, new ArrayBuffer(4), 'm.lut', parsed.model.hash))).toBe('E_MODEL_SHORT');
  });
});

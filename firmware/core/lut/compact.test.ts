import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32, encodeLut, type LutContents } from '../../../models/lut/encode.ts';
import { hostModelNatives } from '../../../models/host-models.ts';
import { parseLut } from './format.ts';
import { classifyReference } from './infer.ts';
import { binaryLut, lutClassifier, modelFile, type ModelFiles } from './compact.ts';
import { hostNatives } from '../../../host/espruino/natives.ts';

function contents(seed: number, bins: number, features: number, classes = 2): LutContents {
  const columns = classes === 2 ? 1 : classes;
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const thresholds = new Int32Array(features * (bins - 1));
  for (let f = 0; f < features; f++) {
    let t = Math.floor(next() * 200) - 100;
    // Non-decreasing, with repeats now and then (features with few distinct values).
    for (let j = 0; j < bins - 1; j++) thresholds[f * (bins - 1) + j] = t += next() < 0.2 ? 0 : 1 + Math.floor(next() * 30);
  }
  return {
    features, bins, classes, columns, scale: 5 + next() * 40,
    thresholds,
    bias: Int16Array.from({ length: columns }, () => Math.floor(next() * 2000) - 1000),
    table: Int8Array.from({ length: columns * features * bins }, () => Math.floor(next() * 255) - 127),
  };
}

function filesOf(entries: Record<string, Uint8Array>): ModelFiles {
  return {
    natives: hostModelNatives,
    read: (name) => {
      const bytes = entries[name];
      return bytes ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer) : undefined;
    },
  };
}

describe('the compact LUT kernels (device layout from the generated metadata)', () => {
  it('computes the CRC-32 E.CRC32 gives (the standard check value)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(hostModelNatives.CRC32(new TextEncoder().encode('123456789').buffer as ArrayBuffer)).toBe(0xcbf43926);
  });

  it('agrees with the reference kernel on random binary models and inputs, confidence included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(2, 4, 8, 16),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 12, maxLength: 12 }),
        (seed, bins, features, x) => {
          const bytes = encodeLut(contents(seed, bins, features));
          const parsed = parseLut(bytes.slice().buffer as ArrayBuffer);
          if (!parsed.ok) return false;
          // The kernel reads x through an index, as the app maps its feature vector.
          const index = Array.from({ length: features }, (_, f) => (f * 5) % 12);
          const scores = new Int32Array(1);
          const label = classifyReference(parsed.model, index.map((i) => x[i]!), scores);
          const decided = binaryLut(filesOf({ 'm.lut': bytes }), 'm.lut', crc32(bytes), bins, index, x);
          const confidence = Math.floor(100 / (1 + Math.exp(-Math.abs(scores[0]!) / parsed.model.scale)));
          return decided !== null && decided.label === label && decided.score === confidence && decided.score >= 50;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a missing file and any file whose CRC-32 is not the generated one', () => {
    const bytes = encodeLut(contents(11, 8, 5));
    const crc = crc32(bytes);
    const index = [0, 1, 2, 3, 4];
    const x = [10, 20, 30, 40, 50];
    const run = (file: Uint8Array | undefined, expected = crc) => binaryLut(filesOf(file ? { 'm.lut': file } : {}), 'm.lut', expected, 8, index, x);
    expect(run(bytes)).not.toBeNull();
    expect(run(undefined)).toBeNull();
    expect(run(bytes, crc ^ 1)).toBeNull();
    const flipped = bytes.slice();
    flipped[bytes.length - 1]! ^= 0x10; // one table entry changed
    expect(run(flipped)).toBeNull();
    expect(run(bytes.subarray(0, bytes.length - 1))).toBeNull(); // truncated
    expect(run(encodeLut(contents(12, 8, 5)))).toBeNull(); // another model of the same shape
  });

  it('lutClassifier (K columns, native gathers) agrees with the reference kernel, scores included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.constantFrom(2, 4, 8, 16),
        fc.constantFrom(2, 3, 5),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 20, maxLength: 20 }), { minLength: 1, maxLength: 4 }),
        (seed, bins, classes, features, inputs) => {
          const bytes = encodeLut(contents(seed, bins, features, classes));
          const parsed = parseLut(bytes.slice().buffer as ArrayBuffer);
          const buffer = modelFile(filesOf({ 'm.lut': bytes }), 'm.lut', crc32(bytes));
          if (!parsed.ok || buffer === null) return false;
          const fast = lutClassifier(hostNatives, buffer, features, bins, parsed.model.columns);
          // The same classifier over several inputs: its scratch arrays must not leak between calls.
          return inputs.every((x) => {
            const scores = new Int32Array(parsed.model.columns);
            const expected = classifyReference(parsed.model, x, scores);
            return fast.classify(x) === expected && Array.from(fast.scores).every((v, i) => v === scores[i]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('modelFile gives the bytes only when the CRC-32 matches', () => {
    const bytes = encodeLut(contents(5, 16, 4, 3));
    const files = filesOf({ 'm.lut': bytes });
    expect(modelFile(files, 'm.lut', crc32(bytes))?.byteLength).toBe(bytes.length);
    expect(modelFile(files, 'm.lut', crc32(bytes) ^ 0x80000000)).toBeNull();
    expect(modelFile(files, 'other.lut', crc32(bytes))).toBeNull();
  });

  it('lutClassifier bins by the number of thresholds below x and breaks ties to the lowest class', () => {
    const bytes = encodeLut({
      features: 1, bins: 4, classes: 3, columns: 3, scale: 1,
      thresholds: Int32Array.from([10, 20, 30]),
      bias: Int16Array.from([0, 0, 0]),
      // class 0 wins bin 0, class 1 bin 1, class 2 bin 2; bin 3 is a three-way tie.
      table: Int8Array.from([5, 0, 0, 1, /**/ 0, 5, 0, 1, /**/ 0, 0, 5, 1]),
    });
    const fast = lutClassifier(hostNatives, bytes.slice().buffer as ArrayBuffer, 1, 4, 3);
    for (const [x, cls] of [[10, 0], [11, 1], [20, 1], [21, 2], [31, 0], [-999, 0]] as const) expect(fast.classify([x])).toBe(cls);
  });
});

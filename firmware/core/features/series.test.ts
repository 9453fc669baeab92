import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostNatives } from '../../../host/espruino/natives.ts';
import { createSeriesExtractor, checkSeriesSpec, magnitudeOf, seriesFeatureNames, type SeriesSpec } from './series.ts';

const spec: SeriesSpec = { channels: ['x', 'y'], window: 64, bands: [1, 3, 3, 6, 6, 11, 11, 33], correlations: [0, 1] };

function features(windows: number[][], s: SeriesSpec = spec): Record<string, number> {
  const extractor = createSeriesExtractor(hostNatives, s);
  const out = new Int32Array(extractor.names.length);
  extractor.compute(windows.map((w) => Float32Array.from(w)), out);
  return Object.fromEntries(extractor.names.map((name, i) => [name, out[i]!]));
}

/** The obvious per-sample definitions the native pipeline must reproduce. */
function plainCrossings(x: number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let count = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > mean !== x[i - 1]! > mean) count++;
  return count;
}

describe('series features (one implementation for host and device)', () => {
  it('names every feature per channel plus correlations', () => {
    expect(seriesFeatureNames(spec)).toHaveLength(2 * 11 + 1);
    expect(seriesFeatureNames(spec)).toContain('y.band3');
    expect(seriesFeatureNames(spec)).toContain('corr.x.y');
  });

  it('computes integer statistics with the documented semantics', () => {
    const x = Array.from({ length: 64 }, (_, i) => (i % 2 === 0 ? 100 : -50));
    const y = x.map((v) => -2 * v + 7);
    const f = features([x, y]);
    expect(f['x.mean']).toBe(25);
    expect(f['x.var']).toBe(5625);
    expect(f['x.min']).toBe(-50);
    expect(f['x.max']).toBe(100);
    expect(f['x.ptp']).toBe(150);
    expect(f['x.energy']).toBe(6250);
    expect(f['x.cross']).toBe(63);
    expect(f['corr.x.y']).toBe(-1000);
    // An alternating signal is all at the Nyquist bin (32), inside band 3 [11, 33).
    expect(f['x.band3']).toBeGreaterThan(0);
    expect(f['x.band0']).toBe(0);
  });

  it('puts a slow sine in the low band and a fast one in the high band', () => {
    const slow = Array.from({ length: 64 }, (_, i) => Math.round(500 * Math.sin((2 * Math.PI * 2 * i) / 64)));
    const fast = Array.from({ length: 64 }, (_, i) => Math.round(500 * Math.sin((2 * Math.PI * 20 * i) / 64)));
    const f = features([slow, fast]);
    expect(f['x.band0']).toBeGreaterThan(100 * Math.max(1, f['x.band2']!, f['x.band3']!));
    expect(f['y.band3']).toBeGreaterThan(100 * Math.max(1, f['y.band0']!, f['y.band1']!));
    expect(f['x.cross']).toBe(plainCrossings(slow));
  });

  it('counts mean crossings exactly like the per-sample definition (FFT mean removal is exact enough)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4000, max: 4000 }), { minLength: 64, maxLength: 64 }), fc.integer({ min: 0, max: 3 }), (x, flat) => {
        // Also windows with long flat runs at the mean's neighbours (ties are the hard case).
        const data = flat === 0 ? x : x.map((v) => (v > 0 ? 1 : 0) + flat);
        return features([data, data])['x.cross'] === plainCrossings(data);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same numbers for Float32Array, Float64Array and plain arrays', () => {
    const x = Array.from({ length: 64 }, (_, i) => (i * 37) % 101 - 50);
    const extractor = createSeriesExtractor(hostNatives, spec);
    const a = new Int32Array(extractor.names.length);
    const b = new Int32Array(extractor.names.length);
    const c = new Int32Array(extractor.names.length);
    extractor.compute([Float32Array.from(x), Float32Array.from(x)], a);
    extractor.compute([Float64Array.from(x), Float64Array.from(x)], b);
    extractor.compute([x, x], c);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).toEqual(Array.from(a));
  });

  it('computes only the needed features, with the same values as a full computation', () => {
    const wide: SeriesSpec = { channels: ['a', 'b', 'c'], window: 32, bands: [1, 3, 3, 9, 9, 17], correlations: [0, 1, 0, 2, 1, 2] };
    const count = seriesFeatureNames(wide).length;
    let calls = 0;
    const counting = Object.fromEntries(Object.entries(hostNatives).map(([name, fn]) => [name, (...args: unknown[]) => {
      calls++;
      return (fn as (...a: unknown[]) => unknown)(...args);
    }])) as unknown as typeof hostNatives;
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -4000, max: 4000 }), { minLength: 32, maxLength: 32 }), { minLength: 3, maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 0, max: count - 1 }), { minLength: 1, maxLength: count }),
        (windows, needed) => {
          const full = new Int32Array(count);
          const subset = new Int32Array(count).fill(-7);
          createSeriesExtractor(hostNatives, wide).compute(windows, full);
          const partial = createSeriesExtractor(counting, wide, needed);
          calls = 0;
          partial.compute(windows, subset);
          const subsetCalls = calls;
          for (const i of needed) expect(subset[i]).toBe(full[i]);
          // all = true computes everything, as an extractor without `needed` does.
          calls = 0;
          partial.compute(windows, subset, true);
          expect(Array.from(subset)).toEqual(Array.from(full));
          expect(subsetCalls).toBeLessThanOrEqual(calls);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects windows the FFT cannot take and bands outside the spectrum', () => {
    expect(checkSeriesSpec({ ...spec, window: 50 })).toMatch(/power of two/);
    expect(checkSeriesSpec({ ...spec, bands: [0, 3] })).toMatch(/outside/);
    expect(checkSeriesSpec({ ...spec, correlations: [0, 5] })).toMatch(/does not exist/);
    expect(checkSeriesSpec(spec)).toBe('');
  });

  it('computes the magnitude as an integer', () => {
    expect(magnitudeOf(3, 4, 12)).toBe(13);
    expect(magnitudeOf(-1000, 0, 1)).toBe(1000);
  });
});

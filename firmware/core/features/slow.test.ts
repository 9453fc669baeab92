import { describe, expect, it } from 'vitest';
import { hostNatives } from '../../../host/espruino/natives.ts';
import { createSlowExtractor, checkSlowSpec } from './slow.ts';

describe('slow-sensor features', () => {
  it('gives last, mean and the least-squares change over the window', () => {
    const extractor = createSlowExtractor(hostNatives, { channels: ['co2'], window: 10 });
    const out = new Int32Array(3);
    extractor.compute([Array.from({ length: 10 }, (_, i) => 400 + 5 * i)], out);
    expect(extractor.names).toEqual(['co2.last', 'co2.mean', 'co2.slope']);
    expect(Array.from(out)).toEqual([445, 422, 45]);
    extractor.compute([Array.from({ length: 10 }, () => 700)], out);
    expect(out[2]).toBe(0);
  });

  it('checks the window length', () => {
    expect(checkSlowSpec({ channels: ['a'], window: 1 })).not.toBe('');
    expect(checkSlowSpec({ channels: ['a'], window: 15 })).toBe('');
  });
});

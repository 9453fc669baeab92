import { describe, expect, it } from 'vitest';
import { MISSING, nextHistory, occupancyFeatures, type Readings } from './occupancy.ts';

const r = (over: Partial<Readings>): Readings => ({ t: 2100, h: 4000, c: 600, l: 50, faults: [], ...over });

describe('occupancy features', () => {
  it('gives [t, h, l, c, dc] with the CO2 change scaled to the window', () => {
    expect(occupancyFeatures([], r({}), 15)).toEqual([2100, 4000, 50, 600, 0]);
    expect(occupancyFeatures([570, 580, 590], r({}), 15)).toEqual([2100, 4000, 50, 600, 150]); // +30 over 3 -> +150 per 15
    expect(occupancyFeatures([650], r({}), 15)).toEqual([2100, 4000, 50, 600, -750]);
    expect(occupancyFeatures([601, 600, 600], r({}), 15)).toEqual([2100, 4000, 50, 600, -5]); // floor, as on the device
  });

  it('marks failed sensors as missing', () => {
    expect(occupancyFeatures([500], r({ c: null, l: null, t: null, h: null }), 15)).toEqual([0, 0, MISSING, MISSING, 0]);
  });

  it('keeps the last `window` valid CO2 readings', () => {
    let history: number[] = [];
    for (let i = 0; i < 20; i++) history = nextHistory(history, 400 + i, 15);
    expect(history).toEqual(Array.from({ length: 15 }, (_, i) => 405 + i));
    expect(nextHistory(history, null, 15)).toBe(history);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { hostNatives } from '../../../host/espruino/natives.ts';
import { hostModelEnvironment } from '../../../models/host-models.ts';
import { classify, fallbackRule, useModelEnvironment } from './classifier.ts';

afterEach(() => useModelEnvironment(null));

describe('occupancy classifier (LUT models from Storage)', () => {
  it('uses the with-light model when light is present and the no-light model when it failed', () => {
    const read: string[] = [];
    const env = hostModelEnvironment('occupancy');
    useModelEnvironment({ natives: env.natives, read: (name) => { read.push(name); return env.read(name); } });
    const bright = classify([2300, 2700, 500, 900, 30]);
    const dark = classify([2100, 2500, 0, 450, -5]);
    const noLight = classify([2300, 2700, -1, 1100, 80]);
    expect(read.sort()).toEqual(['occupancy-nolight.lut', 'occupancy.lut']); // loaded once each
    expect(bright.label).toBe(1);
    expect(dark.label).toBe(0);
    expect(noLight.label).toBe(1);
    for (const r of [bright, dark, noLight]) expect(r.score).toBeGreaterThanOrEqual(50);
  });

  it('falls back to the light/CO2 rule when a model file is missing or is not the one built in', () => {
    useModelEnvironment({ natives: hostNatives, read: () => undefined });
    const features = [2300, 2700, 500, 900, 30];
    expect(classify(features)).toEqual(fallbackRule(features));
    const env = hostModelEnvironment('occupancy');
    // The no-light model's bytes under the with-light name: the hash check refuses it.
    useModelEnvironment({ natives: hostNatives, read: (name) => env.read(name === 'occupancy.lut' ? 'occupancy-nolight.lut' : name) });
    expect(classify(features)).toEqual(fallbackRule(features));
  });

  it('off the board, with no environment given, decides by the rule', () => {
    const features = [2300, 2700, -1, 800, 25];
    expect(classify(features)).toEqual(fallbackRule(features));
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostModelEnvironment, hostModelNatives } from '../../../models/host-models.ts';
import { crc32 } from '../../../models/lut/encode.ts';
import { parseLut } from '../../../firmware/core/lut/format.ts';
import { classifyReference } from '../../../firmware/core/lut/infer.ts';
import { binaryLut } from '../../../firmware/core/lut/compact.ts';
import { loadOccupancyRows } from '../../../models/data/occupancy.ts';
import { datasetsDir, projectRoot } from '../../../host/paths.ts';
import { classify, fallbackRule, useModelEnvironment } from './classifier.ts';
import * as LIGHT from './model.gen.ts';
import * as NO_LIGHT from './model-nolight.gen.ts';

afterEach(() => useModelEnvironment(null));

describe('occupancy classifier (LUT models from Storage)', () => {
  it('uses the with-light model when light is present and the no-light model when it failed', () => {
    const read: string[] = [];
    const env = hostModelEnvironment('occupancy');
    useModelEnvironment({ natives: env.natives, read: (name) => { read.push(name); return env.read(name); } });
    const bright = classify([2300, 2700, 500, 900, 30]);
    const dark = classify([2100, 2500, 0, 450, -5]);
    const noLight = classify([2300, 2700, -1, 1100, 80]);
    // Mapped again on each classification (the board reboots from deep sleep between wakes).
    expect(read).toEqual(['occupancy.lut', 'occupancy.lut', 'occupancy-nolight.lut']);
    expect(bright.label).toBe(1);
    expect(dark.label).toBe(0);
    expect(noLight.label).toBe(1);
    for (const r of [bright, dark, noLight]) expect(r.score).toBeGreaterThanOrEqual(50);
  });

  it('falls back to the light/CO2 rule when a model file is missing or is not the one built in', () => {
    useModelEnvironment({ natives: hostModelNatives, read: () => undefined });
    const features = [2300, 2700, 500, 900, 30];
    expect(classify(features)).toEqual(fallbackRule(features));
    const env = hostModelEnvironment('occupancy');
    // The no-light model's bytes under the with-light name: the CRC check refuses them.
    useModelEnvironment({ natives: hostModelNatives, read: (name) => env.read(name === 'occupancy.lut' ? 'occupancy-nolight.lut' : name) });
    expect(classify(features)).toEqual(fallbackRule(features));
    // One byte of the right file damaged: refused too.
    useModelEnvironment({
      natives: hostModelNatives,
      read: (name) => { const b = env.read(name)!; new Uint8Array(b)[40]! ^= 1; return b; },
    });
    expect(classify(features)).toEqual(fallbackRule(features));
  });

  it('off the board, with no environment given, decides by the rule', () => {
    const features = [2300, 2700, -1, 800, 25];
    expect(classify(features)).toEqual(fallbackRule(features));
  });

  it('the rule: light decides when present (confidence 95 when CO2 agrees, 75 when not), rising CO2 when not', () => {
    expect(fallbackRule([0, 0, 500, 900, 30])).toEqual({ label: 1, score: 95 });
    expect(fallbackRule([0, 0, 500, 450, -5])).toEqual({ label: 1, score: 75 });
    expect(fallbackRule([0, 0, 10, 450, -5])).toEqual({ label: 0, score: 95 });
    expect(fallbackRule([0, 0, 10, 800, 0])).toEqual({ label: 0, score: 75 });
    expect(fallbackRule([0, 0, -1, 800, 0])).toEqual({ label: 1, score: 60 });
    expect(fallbackRule([0, 0, -1, 650, 19])).toEqual({ label: 0, score: 60 });
    expect(fallbackRule([0, 0, -1, -1, 0])).toEqual({ label: 0, score: 60 }); // no CO2 either
  });
});

describe('the generated device layout matches the shipped model files', () => {
  for (const meta of [LIGHT, NO_LIGHT]) {
    it(`${meta.MODEL_FILE}: CRC, bins, features; the compact kernel agrees with the reference on every test row`, () => {
      const dir = meta === LIGHT ? 'occupancy' : 'occupancy-nolight';
      const bytes = new Uint8Array(readFileSync(join(projectRoot(), 'models', dir, meta.MODEL_FILE)));
      expect(crc32(bytes)).toBe(meta.MODEL_CRC);
      const parsed = parseLut(bytes.slice().buffer as ArrayBuffer);
      if (!parsed.ok) throw new Error(parsed.detail);
      const m = parsed.model;
      expect([m.hash, m.bins, m.features, m.columns, m.pairs.length]).toEqual([meta.MODEL_HASH, meta.BINS, meta.FEATURE_INDEX.length, meta.COLUMNS, meta.PAIRS]);
      // The compact kernel handles binary models without pair tables only.
      expect([meta.COLUMNS, meta.PAIRS]).toEqual([1, 0]);
      const env = hostModelEnvironment('occupancy');
      const { rows } = loadOccupancyRows(join(datasetsDir(), 'occupancy', 'occupancy_test1.csv'), 'occupancy');
      let mismatches = 0;
      for (const row of rows) {
        const x = Array.from(row);
        if (meta === NO_LIGHT) x[2] = -1;
        const label = classifyReference(m, meta.FEATURE_INDEX.map((i) => x[i]!));
        const decided = binaryLut(env, meta.MODEL_FILE, meta.MODEL_CRC, meta.BINS, meta.FEATURE_INDEX, x);
        if (decided === null || decided.label !== label) mismatches++;
      }
      expect(rows.length).toBeGreaterThan(2000);
      expect(mismatches).toBe(0);
    });
  }
});

describe('what the models add over the rule (occupancy_test1.csv, the held-out file)', () => {
  it('prints the accuracy of the shipped path and of the rule, with and without light', () => {
    const { rows, labels } = loadOccupancyRows(join(datasetsDir(), 'occupancy', 'occupancy_test1.csv'), 'occupancy');
    useModelEnvironment(hostModelEnvironment('occupancy'));
    const accuracy = (decide: (x: number[]) => number, light: boolean) => {
      let right = 0;
      rows.forEach((row, i) => {
        const x = Array.from(row);
        if (!light) x[2] = -1; // the light sensor failed
        if (decide(x) === Number(labels[i])) right++;
      });
      return right / rows.length;
    };
    const shipped = { light: accuracy((x) => classify(x).label, true), dark: accuracy((x) => classify(x).label, false) };
    const rule = { light: accuracy((x) => fallbackRule(x).label, true), dark: accuracy((x) => fallbackRule(x).label, false) };
    const pct = (v: number) => (100 * v).toFixed(1) + '%';
    console.log(`occupancy_test1 (${rows.length} rows): models ${pct(shipped.light)} with light, ${pct(shipped.dark)} without; rule ${pct(rule.light)} with light, ${pct(rule.dark)} without`);
    // The no-light model is what the second model file buys: it must beat the rule without light.
    expect(shipped.dark).toBeGreaterThan(rule.dark);
    expect(shipped.light).toBeGreaterThan(0.95);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, withDefaults } from './config.ts';
import type { Classification, Readings } from './occupancy.ts';

/** A stand-in classifier (the app's own lives in firmware/apps/occupancy/classifier.ts). */
const classify = (features: number[]): Classification =>
  features[2]! >= 0 ? { label: features[2]! >= 300 ? 1 : 0, score: 90 } : { label: features[4]! >= 20 ? 1 : 0, score: 60 };
import { isPersisted, step, WAKE_TIMER, type Persisted, type StepInput } from './step.ts';

const status = (cause = WAKE_TIMER, flags: string[] = []) => ({ cause, flags, free: 15000, used: 1300, total: 16383 });
const readings = (over: Partial<Readings> = {}): Readings => ({ t: 2150, h: 3000, c: 600, l: 20, faults: [], ...over });

/** Deterministic pseudo-random stream so failures reproduce. */
function lcg(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('occupancy step', () => {
  it('reports status when state is lost, the wake is not a timer wake, or error flags are up', () => {
    const first = step(null, { readings: readings(), status: status(0) }, DEFAULT_CONFIG, classify);
    expect(first.frames[0]).toEqual({ k: 't', d: { cause: 0, flags: '', free: 15000, used: 1300, total: 16383, drops: 0, torn: 0 } });
    const timer = step(first.persisted, { readings: readings(), status: status() }, DEFAULT_CONFIG, classify);
    expect(timer.frames.filter((f) => f.k === 't')).toHaveLength(0);
    const flagged = step(first.persisted, { readings: readings(), status: status(WAKE_TIMER, ['MEMORY', 'NEW_FLAG']) }, DEFAULT_CONFIG, classify);
    expect(flagged.frames[0]!.d.flags).toBe('MEMORY,NEW_FLAG');
    expect(first.sleepMs).toBe(60000);
  });

  it('treats state of another version as lost: starts afresh and reports status', () => {
    expect(isPersisted({ v: 0, co2: [] })).toBe(false);
    expect(isPersisted(null)).toBe(false);
    const fresh = step(null, { readings: readings(), status: status() }, DEFAULT_CONFIG, classify);
    expect(isPersisted(fresh.persisted)).toBe(true);
    expect(fresh.frames.map((f) => f.k)).toEqual(['t', 'c']);
  });

  it('sends sensor faults as error frames and keeps the label when no sensor can classify', () => {
    let state = step(null, { readings: readings({ l: 500 }), status: status() }, DEFAULT_CONFIG, classify).persisted;
    expect(state.label).toBe(1);
    const r = step(state, { readings: { t: null, h: null, c: null, l: null, faults: ['scd41_nak', 'bh1750_nak'] }, status: status() }, DEFAULT_CONFIG, classify);
    expect(r.frames.map((f) => f.k + ':' + (f.d.code ?? ''))).toEqual(['e:scd41_nak', 'e:bh1750_nak']);
    expect(r.persisted.label).toBe(1);
    state = r.persisted;
    expect(state.co2).toEqual([600]);
  });

  it('over thousands of wakes: class changes exactly when the label flips, summaries every N with exact means', () => {
    const config = withDefaults({ summaryEvery: 15 });
    const random = lcg(42);
    let state: Persisted | null = null;
    let label = -1;
    let window: Readings[] = [];
    let wakes = 0;
    for (let i = 0; i < 5000; i++) {
      const r: Readings = {
        t: random() < 0.02 ? null : Math.floor(random() * 4000) - 1000,
        h: Math.floor(random() * 10000),
        c: random() < 0.05 ? null : 400 + Math.floor(random() * 1000),
        l: random() < 0.05 ? null : Math.floor(random() * 800),
        faults: [],
      };
      const input: StepInput = { readings: r, status: status() };
      // The device keeps state as JSON in flash: round-trip it every wake.
      const result = step(state === null ? null : JSON.parse(JSON.stringify(state)), input, config, classify);
      expect(isPersisted(result.persisted)).toBe(true);
      const change = result.frames.filter((f) => f.k === 'c');
      if (result.persisted.label !== label) {
        expect(change).toHaveLength(1);
        expect(change[0]!.d.from).toBe(label);
        expect(change[0]!.d.to).toBe(result.persisted.label);
      } else expect(change).toHaveLength(0);
      label = result.persisted.label;
      window.push(r);
      wakes++;
      const summaries = result.frames.filter((f) => f.k === 's');
      if (wakes === 15) {
        expect(summaries).toHaveLength(1);
        const mean = (pick: (x: Readings) => number | null) => {
          const values = window.map(pick).filter((v): v is number => v !== null);
          return values.length ? Math.floor(values.reduce((a, b) => a + b, 0) / values.length) : null;
        };
        expect(summaries[0]!.d).toMatchObject({ n: 15, t: mean((x) => x.t), h: mean((x) => x.h), l: mean((x) => x.l), c: mean((x) => x.c) });
        window = [];
        wakes = 0;
      } else expect(summaries).toHaveLength(0);
      expect(result.persisted.co2.length).toBeLessThanOrEqual(config.slopeWindow);
      state = result.persisted;
    }
  });

});

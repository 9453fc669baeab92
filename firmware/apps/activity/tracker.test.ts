import { describe, expect, it } from 'vitest';
import { hostNatives } from '../../../host/espruino/natives.ts';
import type { LutClassifier } from '../../core/lut/infer.ts';
import { createTracker, type TrackerEvent } from './tracker.ts';

/** A stand-in model: class = which third of the scale the window's mean x falls in. */
function meanClassifier(): LutClassifier {
  return {
    scores: new Int32Array(3),
    classify(x: ArrayLike<number>): number {
      const mean = x[0]!; // feature 0 is x.mean
      return mean < 300 ? 0 : mean < 600 ? 1 : 2;
    },
  };
}

function tracker(summaryEvery = 1000) {
  return createTracker({
    natives: hostNatives,
    spec: { channels: ['ax', 'ay', 'az', 'mag'], window: 16, bands: [1, 3, 3, 9], correlations: [0, 1] },
    featureIndex: [0],
    classifier: meanClassifier(),
    classes: 3,
    hop: 8,
    summaryEvery,
    confirmWindows: 2,
  });
}

function feed(t: ReturnType<typeof tracker>, x: number, samples: number): TrackerEvent[] {
  const events: TrackerEvent[] = [];
  for (let i = 0; i < samples; i++) events.push(...(t.push(x, 0, 1000) ?? []));
  return events;
}

describe('activity tracker', () => {
  it('decides every hop once the window is full, and reports only confirmed changes', () => {
    const t = tracker();
    expect(feed(t, 100, 15)).toEqual([]); // window not full yet
    expect(feed(t, 100, 1)).toEqual([]); // first decision: not confirmed yet
    expect(feed(t, 100, 8)).toEqual([{ k: 'c', d: { c: 0, p: -1, w: 2 } }]);
    expect(feed(t, 100, 80)).toEqual([]); // steady: nothing to say
    // A change to class 2 shows up once the window mean crosses 600 and holds for two windows.
    const events = feed(t, 900, 32);
    expect(events).toEqual([{ k: 'c', d: { c: 2, p: 0, w: 15 } }]);
  });

  it('does not report a one-window blip', () => {
    const t = tracker();
    feed(t, 100, 44);
    // 8 samples of 800 straddling a hop boundary: only the window holding all 8 reaches class 1
    // (mean 450); its neighbours hold 4 each (mean 275, class 0).
    expect([...feed(t, 800, 8), ...feed(t, 100, 40)]).toEqual([]);
    // The same burst held longer is a real change.
    expect(feed(t, 800, 24).filter((e) => e.k === 'c').length).toBeGreaterThan(0);
  });

  it('summarises decisions per class every summaryEvery windows', () => {
    const t = tracker(4);
    const events = feed(t, 100, 16 + 8 * 7);
    expect(events.filter((e) => e.k === 's')).toEqual([
      { k: 's', d: { w: 4, n: [4, 0, 0] } },
      { k: 's', d: { w: 4, n: [4, 0, 0] } },
    ]);
  });

  it('exposes features and the class of a single window (the REPL hooks)', () => {
    const t = tracker();
    const window = Array.from({ length: 16 }, () => 700);
    const flat = Array.from({ length: 16 }, () => 0);
    expect(t.classify([window, flat, flat, window])).toBe(2);
    expect(t.features([window, flat, flat, window])[0]).toBe(700);
  });
});

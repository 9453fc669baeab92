/**
 * The activity pipeline between the sensor and the wire, pure (no globals) so host tests run the
 * same code: samples go into preallocated per-channel windows; every `hop` samples the window's
 * features (firmware/core/features/series.ts, on native helpers) feed the LUT model; decisions
 * are debounced into class CHANGES, and counted into periodic summaries. Most windows produce
 * no message at all.
 */
import type { Natives } from '../../core/features/natives';
import { createSeriesExtractor, magnitudeOf, type SeriesSpec } from '../../core/features/series';
import type { LutClassifier } from '../../core/lut/infer';

export interface TrackerOptions {
  natives: Natives;
  spec: SeriesSpec;
  /** Model inputs as indices into the extractor's output (model.gen.ts FEATURE_INDEX). */
  featureIndex: number[];
  classifier: LutClassifier;
  classes: number;
  hop: number;
  summaryEvery: number;
  confirmWindows: number;
}

/** A class change ('c': class, previous class or -1, windows so far) or a summary ('s'). */
export type TrackerEvent = { k: 'c'; d: { c: number; p: number; w: number } } | { k: 's'; d: { w: number; n: number[] } };

export interface Tracker {
  /** One sample in milli-g; returns the events this sample completed (usually none). */
  push(x: number, y: number, z: number): TrackerEvent[] | null;
  /** All features of one window given as channel arrays (ax, ay, az, mag): the REPL/golden hook. */
  features(windows: ArrayLike<number>[]): Int32Array;
  /** Class of one window given as channel arrays: the REPL/golden hook. */
  classify(windows: ArrayLike<number>[]): number;
  /** Decisions since the last summary, per class. */
  counts: number[];
}

export function createTracker(o: TrackerOptions): Tracker {
  var n = o.spec.window;
  var channels = o.spec.channels.length;
  var buffers: Float32Array[] = [];
  for (var c = 0; c < channels; c++) buffers.push(new Float32Array(n));
  var fill = 0;
  // Only the model's inputs are computed per window (16 of 47 for the committed model).
  var extractor = createSeriesExtractor(o.natives, o.spec, o.featureIndex);
  var all = new Int32Array(extractor.names.length);
  var index = new Uint16Array(o.featureIndex.length);
  for (var i = 0; i < o.featureIndex.length; i++) index[i] = o.featureIndex[i];
  var input = new Int32Array(o.featureIndex.length);
  var counts: number[] = [];
  for (var k = 0; k < o.classes; k++) counts.push(0);
  var current = -1;
  var candidate = -1;
  var streak = 0;
  var windows = 0;
  var sinceSummary = 0;

  function classifyWindows(w: ArrayLike<number>[]): number {
    extractor.compute(w, all);
    // Gather the model's inputs natively: input[i] = all[index[i]].
    o.natives.mapInPlace(index, input, all);
    return o.classifier.classify(input);
  }

  function decide(cls: number): TrackerEvent[] | null {
    var events: TrackerEvent[] | null = null;
    windows++;
    sinceSummary++;
    counts[cls]++;
    if (cls === candidate) streak++;
    else {
      candidate = cls;
      streak = 1;
    }
    if (candidate !== current && streak >= o.confirmWindows) {
      events = [{ k: 'c', d: { c: candidate, p: current, w: windows } }];
      current = candidate;
    }
    if (sinceSummary >= o.summaryEvery) {
      var summary: TrackerEvent = { k: 's', d: { w: sinceSummary, n: counts.slice(0) } };
      if (events === null) events = [summary];
      else events.push(summary);
      for (var j = 0; j < counts.length; j++) counts[j] = 0;
      sinceSummary = 0;
    }
    return events;
  }

  return {
    counts: counts,
    push: function (x: number, y: number, z: number): TrackerEvent[] | null {
      buffers[0][fill] = x;
      buffers[1][fill] = y;
      buffers[2][fill] = z;
      if (channels > 3) buffers[3][fill] = magnitudeOf(x, y, z);
      fill++;
      if (fill < n) return null;
      var cls = classifyWindows(buffers);
      // Keep the last n − hop samples (typed-array copy, no loop over samples).
      for (var b = 0; b < channels; b++) buffers[b].set(buffers[b].subarray(o.hop));
      fill = n - o.hop;
      return decide(cls);
    },
    features: function (w: ArrayLike<number>[]): Int32Array {
      extractor.compute(w, all, true);
      return all;
    },
    classify: classifyWindows,
  };
}

/**
 * Integer-only inference of the additive LUT model. Two kernels that must always agree:
 *
 * - createLutClassifier: the fast one for the device. Binning is a binary search per feature
 *   (log2(B) comparisons, unrolled for 8 and 16 bins), then per score column ONE E.mapInPlace gathers the feature
 *   scores through the precomputed bin keys and ONE E.sum adds them up.
 * - classifyReference: plain JS, written for obviousness (linear scans), used by tests and as
 *   the definition of the model's semantics.
 *
 * Semantics: bin(x) = number of thresholds t with x > t; score_k = bias_k + Σ_f table_k[f][bin]
 * (+ pair tables); the class is the argmax with ties to the lowest index. A binary model stores
 * one column: class 1 when its score is > 0 (a tie at 0 goes to class 0, the lowest index).
 */
import type { Natives } from '../features/natives';
import type { LutModel } from './format';

export interface LutClassifier {
  /** Returns the class index; the scores stay readable in `scores` until the next call. */
  classify(features: ArrayLike<number>): number;
  scores: Int32Array;
}

function countBelow(thresholds: ArrayLike<number>, offset: number, count: number, x: number): number {
  var bin = 0;
  for (var j = 0; j < count; j++) if (x > thresholds[offset + j]) bin++;
  return bin;
}

function pickClass(scores: Int32Array, model: LutModel): number {
  if (model.columns === 1) return scores[0] > 0 ? 1 : 0;
  var best = 0;
  for (var k = 1; k < model.classes; k++) if (scores[k] > scores[best]) best = k;
  return best;
}

/** The reference kernel: obvious loops, no natives. Fills `scores` if given. */
export function classifyReference(model: LutModel, features: ArrayLike<number>, scores?: Int32Array): number {
  var out = scores || new Int32Array(model.columns);
  var b = model.bins;
  for (var k = 0; k < model.columns; k++) {
    var total = model.bias[k];
    for (var f = 0; f < model.features; f++) total += model.tables[k][f * b + countBelow(model.thresholds, f * (b - 1), b - 1, features[f])];
    for (var p = 0; p < model.pairs.length; p++) {
      var pair = model.pairs[p];
      var q = model.pairBins;
      var ba = countBelow(pair.thresholdsA, 0, q - 1, features[pair.a]);
      var bb = countBelow(pair.thresholdsB, 0, q - 1, features[pair.b]);
      total += pair.tables[k][ba * q + bb];
    }
    out[k] = total;
  }
  return pickClass(out, model);
}

/** Binary search for "how many thresholds are below x" over a non-decreasing run. */
function searchBin(t: ArrayLike<number>, o: number, bins: number, x: number): number {
  var bin = 0;
  for (var step = bins >> 1; step > 0; step >>= 1) if (x > t[o + bin + step - 1]) bin += step;
  return bin;
}

export function createLutClassifier(natives: Natives, model: LutModel): LutClassifier {
  var f = model.features;
  var b = model.bins;
  var keys = new Uint16Array(f);
  var gathered = new Int8Array(f);
  var scores = new Int32Array(model.columns);
  var t = model.thresholds;
  return {
    scores: scores,
    classify: function (x: ArrayLike<number>): number {
      var i: number;
      var bin: number;
      var o: number;
      if (b === 16) {
        // Unrolled: four comparisons per feature; o walks the thresholds (15 per feature).
        for (i = 0, o = 0; i < f; i++, o += 15) {
          bin = x[i] > t[o + 7] ? 8 : 0;
          if (x[i] > t[o + bin + 3]) bin += 4;
          if (x[i] > t[o + bin + 1]) bin += 2;
          if (x[i] > t[o + bin]) bin += 1;
          keys[i] = o + i + bin; // = i * 16 + bin
        }
      } else if (b === 8) {
        // Unrolled: three comparisons per feature; 7 thresholds per feature.
        for (i = 0, o = 0; i < f; i++, o += 7) {
          bin = x[i] > t[o + 3] ? 4 : 0;
          if (x[i] > t[o + bin + 1]) bin += 2;
          if (x[i] > t[o + bin]) bin += 1;
          keys[i] = o + i + bin; // = i * 8 + bin
        }
      } else {
        for (i = 0; i < f; i++) keys[i] = i * b + searchBin(t, i * (b - 1), b, x[i]);
      }
      for (var k = 0; k < model.columns; k++) {
        natives.mapInPlace(keys, gathered, model.tables[k]);
        scores[k] = natives.sum(gathered) + model.bias[k];
      }
      if (model.pairs.length > 0) {
        var q = model.pairBins;
        for (var p = 0; p < model.pairs.length; p++) {
          var pair = model.pairs[p];
          var cell = searchBin(pair.thresholdsA, 0, q, x[pair.a]) * q + searchBin(pair.thresholdsB, 0, q, x[pair.b]);
          for (var pk = 0; pk < model.columns; pk++) scores[pk] += pair.tables[pk][cell];
        }
      }
      return pickClass(scores, model);
    },
  };
}

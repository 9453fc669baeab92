/**
 * Estimated device cost per inference, in microseconds on an ESP32 running Espruino. No ESP32
 * figure is published, so this is a model built from ESPRUINO.md section 2: about 10–30 µs per
 * simple interpreted statement (we take 20), and native helpers about 10× cheaper per element
 * than a JS loop (2 µs per element) plus the cost of the call itself (one statement). Only the
 * number of statements executed matters, so each kernel's cost is its statement count.
 * These are estimates for comparing kernels with one yardstick, not measurements.
 */

export const US_PER_STATEMENT = 20;
export const US_PER_NATIVE_ELEMENT = 2;

function nativeCall(elements: number): number {
  return US_PER_STATEMENT + US_PER_NATIVE_ELEMENT * elements;
}

/** The fast LUT kernel of firmware/core/lut/infer.ts. */
export function lutCostUs(features: number, bins: number, classes: number, columns: number, pairs = 0, pairBins = 4): number {
  const compares = Math.log2(bins);
  // Per feature with 8 or 16 bins (unrolled): the loop step, log2(B) compare-and-adds, the key
  // store. Other bin counts: a call to the search loop, per step a loop test and a compare-and-add.
  const binning = features * (bins === 16 || bins === 8 ? compares + 2 : 2 * compares + 4) * US_PER_STATEMENT;
  // Per column: one gather (E.mapInPlace) and one E.sum over F entries, plus the store.
  const gather = columns * (2 * nativeCall(features) + US_PER_STATEMENT);
  const pairCost = pairs > 0 ? pairs * (2 * Math.log2(pairBins) + 3 + columns) * US_PER_STATEMENT : 0;
  const argmax = (columns === 1 ? 1 : classes) * US_PER_STATEMENT;
  return binning + gather + pairCost + argmax + 3 * US_PER_STATEMENT;
}

/** A random forest run as JS on flat arrays: per level one loop test and one child step. */
export function forestCostUs(trees: number, meanDepth: number, classes: number): number {
  return (trees * (2 * meanDepth + 3) + classes + 3) * US_PER_STATEMENT;
}

/** Dense multinomial logistic regression as JS: one multiply-add per (feature, column). */
export function logRegCostUs(features: number, classes: number): number {
  const columns = classes === 2 ? 1 : classes;
  // With E.convolve for each column's dot product (the cheapest way on the device).
  return columns * (nativeCall(features) + 2 * US_PER_STATEMENT) + classes * US_PER_STATEMENT;
}

/** Gaussian naive Bayes as JS: per (class, feature) a few arithmetic statements. */
export function naiveBayesCostUs(features: number, classes: number): number {
  return (classes * features * 2 + classes * 2) * US_PER_STATEMENT;
}

/** The features of a series window: native calls per channel (firmware/core/features/series.ts). */
export function seriesFeatureCostUs(channels: number, window: number, bands: number, correlations: number): number {
  const perChannel =
    6 * nativeCall(window) + // sum, variance, min, max, energy, set
    2 * nativeCall(window * Math.log2(window)) + // forward and inverse FFT
    2 * bands * nativeCall(4) + // band energies (a few bins each)
    5 * nativeCall(window) + // truncate, clamp, step map, sum, convolve
    12 * US_PER_STATEMENT;
  return channels * perChannel + correlations * (nativeCall(window) + 3 * US_PER_STATEMENT);
}

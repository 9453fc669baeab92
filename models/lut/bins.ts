/**
 * Quantile bin thresholds. A feature value x falls in bin = number of thresholds t with x > t,
 * the same rule as the device kernels (firmware/core/lut/infer.ts). Thresholds are integers
 * taken from the training values, non-decreasing; a feature with few distinct values repeats
 * its last threshold (the extra bins are simply never reached).
 */

export function quantileThresholds(values: ArrayLike<number>, bins: number): Int32Array {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  const thresholds = new Int32Array(bins - 1);
  if (distinct.length <= bins) {
    // Every distinct value but the largest becomes a threshold: each value gets its own bin.
    for (let j = 0; j < bins - 1; j++) thresholds[j] = distinct[Math.min(j, Math.max(0, distinct.length - 2))]!;
    return thresholds;
  }
  let previous = -Infinity;
  for (let j = 0; j < bins - 1; j++) {
    let t = sorted[Math.min(sorted.length - 1, Math.floor(((j + 1) * sorted.length) / bins) - 1)]!;
    // Never below the previous threshold; move past ties so bins stay populated where possible.
    if (t <= previous) {
      const next = distinct.find((v) => v > previous);
      t = next !== undefined && next < distinct[distinct.length - 1]! ? next : previous;
    }
    thresholds[j] = t;
    previous = t;
  }
  return thresholds;
}

/** Count of thresholds below x (the bin). */
export function binOf(thresholds: ArrayLike<number>, offset: number, count: number, x: number): number {
  let lo = 0;
  let hi = count;
  // First index whose threshold is >= x.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > thresholds[offset + mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Thresholds for every feature (feature-major, F·(B−1)). */
export function fitThresholds(rows: Int32Array[], features: number, bins: number): Int32Array {
  const all = new Int32Array(features * (bins - 1));
  const column = new Float64Array(rows.length);
  for (let f = 0; f < features; f++) {
    for (let r = 0; r < rows.length; r++) column[r] = rows[r]![f]!;
    all.set(quantileThresholds(column, bins), f * (bins - 1));
  }
  return all;
}

/** Bins every row: N·F bytes, row-major. */
export function binRows(rows: Int32Array[], thresholds: Int32Array, features: number, bins: number): Uint8Array {
  const out = new Uint8Array(rows.length * features);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let f = 0; f < features; f++) out[r * features + f] = binOf(thresholds, f * (bins - 1), bins - 1, row[f]!);
  }
  return out;
}

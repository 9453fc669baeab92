/**
 * Dense multinomial logistic regression on standardised features: the LUT's prior (the table
 * is shrunk toward this linear model instead of toward zero, so strong regularisation means
 * "a binned linear model", never "nothing") and the float baseline of bench/classifiers.ts.
 */
import { minimize } from './lbfgs.ts';

export interface LinearModel {
  classes: number;
  features: number;
  mean: Float64Array;
  scale: Float64Array;
  /** classes × (features + 1): weights on standardised features, then the bias. */
  weights: Float64Array;
}

export function standardiser(rows: ArrayLike<number>[]): { mean: Float64Array; scale: Float64Array } {
  const f = rows[0]!.length;
  const mean = new Float64Array(f);
  const scale = new Float64Array(f);
  for (const row of rows) for (let j = 0; j < f; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < f; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  for (let j = 0; j < f; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  return { mean, scale };
}

export function fitLinear(rows: ArrayLike<number>[], labels: Int32Array, classes: number, lambda: number, maxIterations = 300): LinearModel {
  const { mean, scale } = standardiser(rows);
  const x = rows.map((row) => Float64Array.from(row as ArrayLike<number>, (v, j) => (v - mean[j]!) / scale[j]!));
  const f = mean.length;
  const k = classes;
  const n = x.length;
  const scores = new Float64Array(k);
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const row = x[r]!;
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let s = w[c * (f + 1) + f]!;
        for (let j = 0; j < f; j++) s += w[c * (f + 1) + j]! * row[j]!;
        scores[c] = s;
        if (s > max) max = s;
      }
      let z = 0;
      for (let c = 0; c < k; c++) z += Math.exp(scores[c]! - max);
      loss += max + Math.log(z) - scores[labels[r]!]!;
      for (let c = 0; c < k; c++) {
        const residual = Math.exp(scores[c]! - max) / z - (c === labels[r] ? 1 : 0);
        for (let j = 0; j < f; j++) grad[c * (f + 1) + j]! += residual * row[j]!;
        grad[c * (f + 1) + f]! += residual;
      }
    }
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j <= f; j++) {
        grad[c * (f + 1) + j]! /= n;
        if (j < f) {
          const v = w[c * (f + 1) + j]!;
          grad[c * (f + 1) + j]! += lambda * v;
          penalty += v * v;
        }
      }
    }
    return loss / n + 0.5 * lambda * penalty;
  };
  const weights = minimize(objective, new Float64Array(k * (f + 1)), { maxIterations, tolerance: 1e-6 }).x;
  return { classes, features: f, mean, scale, weights };
}

export function predictLinear(model: LinearModel, rows: ArrayLike<number>[]): Int32Array {
  const { features: f, classes: k, weights: w, mean, scale } = model;
  return Int32Array.from(rows, (row) => {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = w[c * (f + 1) + f]!;
      for (let j = 0; j < f; j++) s += (w[c * (f + 1) + j]! * (row[j]! - mean[j]!)) / scale[j]!;
      if (s > bestScore) { bestScore = s; best = c; }
    }
    return best;
  });
}

/** Weight of class column c on raw feature j (per raw unit). */
export function rawWeight(model: LinearModel, c: number, j: number): number {
  return model.weights[c * (model.features + 1) + j]! / model.scale[j]!;
}

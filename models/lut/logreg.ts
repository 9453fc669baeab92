/**
 * The LUT's training objective: multinomial logistic regression over thermometer-coded bins.
 * Feature f contributes the indicators [x_f > t_{f,j}] for its thresholds j, each with a weight
 * per class; the score table entry for bin b is then the cumulative sum Σ_{j<b} w_{f,j}, so the
 * trained model IS an additive lookup table. L2 acts on the per-threshold steps (a smoothness
 * prior across neighbouring bins); biases are not penalised.
 *
 * A binary task uses one score column (logistic loss on class 1 vs 0), as the device does.
 */
import { minimize } from './lbfgs.ts';

export interface BinnedSet {
  /** N·F bins, row-major. */
  bins: Uint8Array;
  rows: number;
  features: number;
  /** Bins per feature. */
  binCount: number;
  labels: Int32Array;
  classes: number;
  /** Optional pair tables: per pair, the cell (binA·Q + binB) of every row. */
  pairCells?: Uint8Array[];
  /** Q: bins per pair-table axis. */
  pairBins?: number;
}

/** A float additive table: K columns × F features × B bins, plus K biases. */
export interface FloatTable {
  columns: number;
  features: number;
  bins: number;
  classes: number;
  table: Float64Array;
  bias: Float64Array;
  /** K·P·Q·Q pair-table entries, [k][p][cell] (absent without pairs). */
  pairTable?: Float64Array;
  pairBins?: number;
}

export function columnsFor(classes: number): number {
  return classes === 2 ? 1 : classes;
}

function cumulativeTable(theta: Float64Array, k: number, f: number, b: number): Float64Array {
  const table = new Float64Array(k * f * b);
  const steps = b - 1;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < f; j++) {
      let total = 0;
      const base = (c * f + j) * b;
      const from = (c * f + j) * steps;
      for (let s = 0; s < steps; s++) {
        total += theta[from + s]!;
        table[base + s + 1] = total;
      }
    }
  }
  return table;
}

/**
 * `prior` (optional, same layout as the steps: K·F·(B−1)) is what L2 shrinks the steps toward:
 * zero by default, or a binned linear model (see linearPrior in train.ts).
 */
export function fitLogReg(data: BinnedSet, lambda: number, options: { maxIterations?: number; prior?: Float64Array } = {}): FloatTable {
  const k = columnsFor(data.classes);
  const f = data.features;
  const b = data.binCount;
  const n = data.rows;
  const steps = b - 1;
  const weightCount = k * f * steps;
  const pairs = data.pairCells ?? [];
  const cellCount = pairs.length > 0 ? (data.pairBins ?? 4) ** 2 : 0;
  const pairAt = weightCount + k;
  const scores = new Float64Array(k);
  const residual = new Float64Array(k);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    const table = cumulativeTable(theta, k, f, b);
    const g = new Float64Array(k * f * b);
    grad.fill(0);
    let loss = 0;
    for (let r = 0; r < n; r++) {
      const rowAt = r * f;
      const y = data.labels[r]!;
      for (let c = 0; c < k; c++) {
        let s = theta[weightCount + c]!;
        const base = c * f * b;
        for (let j = 0; j < f; j++) s += table[base + j * b + data.bins[rowAt + j]!]!;
        for (let p = 0; p < pairs.length; p++) s += theta[pairAt + (c * pairs.length + p) * cellCount + pairs[p]![r]!]!;
        scores[c] = s;
      }
      if (k === 1) {
        const s = scores[0]!;
        // log(1 + e^s) − y·s, computed stably.
        loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - (y === 1 ? s : 0);
        residual[0] = 1 / (1 + Math.exp(-s)) - (y === 1 ? 1 : 0);
      } else {
        let max = -Infinity;
        for (let c = 0; c < k; c++) max = Math.max(max, scores[c]!);
        let z = 0;
        for (let c = 0; c < k; c++) z += Math.exp(scores[c]! - max);
        loss += max + Math.log(z) - scores[y]!;
        for (let c = 0; c < k; c++) residual[c] = Math.exp(scores[c]! - max) / z - (c === y ? 1 : 0);
      }
      for (let c = 0; c < k; c++) {
        const rc = residual[c]!;
        grad[weightCount + c]! += rc;
        const base = c * f * b;
        for (let j = 0; j < f; j++) g[base + j * b + data.bins[rowAt + j]!]! += rc;
        for (let p = 0; p < pairs.length; p++) grad[pairAt + (c * pairs.length + p) * cellCount + pairs[p]![r]!]! += rc;
      }
    }
    // d score / d step s of (c, j) = [bin > s]: suffix sums of the per-bin residual totals.
    let penalty = 0;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < f; j++) {
        const base = (c * f + j) * b;
        const from = (c * f + j) * steps;
        let suffix = 0;
        for (let s = steps - 1; s >= 0; s--) {
          suffix += g[base + s + 1]!;
          const w = theta[from + s]! - (prior ? prior[from + s]! : 0);
          grad[from + s] = suffix / n + lambda * w;
          penalty += w * w;
        }
      }
    }
    for (let c = 0; c < k; c++) grad[weightCount + c]! /= n;
    // Pair cells: plain L2 toward zero (an interaction must earn its place).
    for (let i = pairAt; i < theta.length; i++) {
      grad[i] = grad[i]! / n + lambda * theta[i]!;
      penalty += theta[i]! * theta[i]!;
    }
    return loss / n + 0.5 * lambda * penalty;
  };
  const prior = options.prior;
  const start = new Float64Array(pairAt + k * pairs.length * cellCount);
  if (prior) start.set(prior);
  const { x } = minimize(objective, start, { maxIterations: options.maxIterations ?? 300, tolerance: 1e-6 });
  const model: FloatTable = { columns: k, features: f, bins: b, classes: data.classes, table: cumulativeTable(x, k, f, b), bias: x.slice(weightCount, pairAt) };
  if (pairs.length > 0) {
    model.pairTable = x.slice(pairAt);
    model.pairBins = data.pairBins ?? 4;
  }
  return model;
}

/** Class of each row under a float table (argmax, ties to the lowest index; binary: score > 0). */
export function predictFloat(model: FloatTable, bins: Uint8Array, rows: number, pairCells: Uint8Array[] = []): Int32Array {
  const out = new Int32Array(rows);
  const f = model.features;
  const b = model.bins;
  const cellCount = (model.pairBins ?? 0) ** 2;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < model.columns; c++) {
      let s = model.bias[c]!;
      for (let j = 0; j < f; j++) s += model.table[(c * f + j) * b + bins[r * f + j]!]!;
      for (let p = 0; p < pairCells.length; p++) s += model.pairTable![(c * pairCells.length + p) * cellCount + pairCells[p]![r]!]!;
      if (model.columns === 1) { best = s > 0 ? 1 : 0; break; }
      if (s > bestScore) { bestScore = s; best = c; }
    }
    out[r] = best;
  }
  return out;
}

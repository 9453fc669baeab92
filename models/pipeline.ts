/**
 * The training run behind `spruce train` and the benchmark: prepare the data, choose features,
 * train the LUT (inner CV for L2), evaluate the float table and the exported int8 model on the
 * held-out rows (or by outer k-fold CV), and estimate the device cost.
 */
import { SpruceError } from '../host/errors.ts';
import { prepare, classList, type DataConfig, type Prepared } from './prepare.ts';
import { trainLut, predictFloatRows, predictModelRows, featureImportance, DEFAULT_LAMBDAS, type TrainedLut } from './lut/train.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { lutCostUs, seriesFeatureCostUs } from './cost.ts';

export interface ModelConfig {
  /** Bins per feature, or candidates the inner CV chooses from. */
  bins: number | number[];
  lambdas?: number[];
  innerFolds?: number;
  /** Feature names or globs ("mag.*") to keep. */
  features?: string[];
  /** Keep the K most useful features (ranked by a first fit). */
  select?: number;
  /** Pair tables for feature interactions (4 × 4 cells each). */
  pairs?: number;
  /** What L2 shrinks the table toward; 'auto' (default) lets the inner CV choose. */
  prior?: 'zero' | 'linear' | 'auto';
  maxIterations?: number;
}

export type Progress = (done: number, total: number, what: string) => void;

export interface TrainRun {
  prepared: Prepared;
  classes: string[];
  featureIndex: number[];
  featureNames: string[];
  trained: TrainedLut;
  evaluatedOn: string;
  float: Metrics;
  int8: Metrics;
  costUs: { classifier: number; features: number };
}

function globToTest(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (name) => name === pattern;
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`^${parts.join('.*')}$`);
  return (name) => re.test(name);
}

export function filterFeatures(names: string[], patterns: string[] | undefined): number[] {
  if (!patterns || patterns.length === 0) return names.map((_, i) => i);
  const tests = patterns.map((p) => ({ p, test: globToTest(p) }));
  for (const { p, test } of tests) {
    if (!names.some(test)) throw new SpruceError('E_USAGE', `no feature matches "${p}"`, { hint: `features are: ${names.join(', ')}`, exit: 'USAGE' });
  }
  return names.map((_, i) => i).filter((i) => tests.some(({ test }) => test(names[i]!)));
}

function project(rows: Int32Array[], index: number[]): Int32Array[] {
  return rows.map((row) => Int32Array.from(index, (i) => row[i]!));
}

/** Feature choice on training rows only: the filter, then the top K by a quick first fit. */
function chooseFeatures(prepared: Prepared, rows: Int32Array[], labels: Int32Array, classes: number, model: ModelConfig): number[] {
  let index = filterFeatures(prepared.names, model.features);
  if (model.select !== undefined && model.select < index.length) {
    const quick = trainLut(project(rows, index), labels, classes, { bins: 16, lambdas: [1e-2], innerFolds: 1, maxIterations: 100, prior: 'zero' });
    const importance = featureImportance(quick.float);
    const ranked = index.map((featureAt, i) => ({ featureAt, score: importance[i]! })).sort((a, b) => b.score - a.score);
    index = ranked.slice(0, model.select).map((r) => r.featureAt).sort((a, b) => a - b);
  }
  return index;
}

function fit(prepared: Prepared, rows: Int32Array[], labels: Int32Array, groups: string[], classes: number, model: ModelConfig, onProgress?: Progress): { index: number[]; trained: TrainedLut } {
  const index = chooseFeatures(prepared, rows, labels, classes, model);
  const trained = trainLut(project(rows, index), labels, classes, {
    bins: model.bins,
    lambdas: model.lambdas ?? DEFAULT_LAMBDAS,
    innerFolds: model.innerFolds ?? 3,
    groups: groups.some((g) => g !== '') ? groups : undefined,
    maxIterations: model.maxIterations,
    pairs: model.pairs,
    prior: model.prior,
    onProgress,
  });
  return { index, trained };
}

export function featureCostUs(prepared: Prepared): number {
  if (prepared.spec.kind !== 'series') return 0;
  const s = prepared.spec.spec;
  return seriesFeatureCostUs(s.channels.length, s.window, s.bands.length / 2, s.correlations.length / 2);
}

export function runTraining(data: DataConfig, model: ModelConfig, onProgress?: Progress): TrainRun {
  onProgress?.(0, 1, 'loading data and computing features');
  const prepared = prepare(data);
  const classes = classList(prepared.train.labels);
  const encode = (labels: string[]) => Int32Array.from(labels, (l) => classes.indexOf(l));
  const y = encode(prepared.train.labels);
  let float: Metrics;
  let int8: Metrics;
  let evaluatedOn: string;
  if (prepared.test) {
    const { index, trained } = fit(prepared, prepared.train.rows, y, prepared.train.groups, classes.length, model, onProgress);
    const testRows = project(prepared.test.rows, index);
    const truth = encode(prepared.test.labels);
    float = computeMetrics(truth, predictFloatRows(trained, testRows), classes.length);
    int8 = computeMetrics(truth, predictModelRows(trained.model, testRows), classes.length);
    evaluatedOn = `${testRows.length} held-out rows (${prepared.split})`;
    return finish(prepared, classes, index, trained, evaluatedOn, float, int8);
  }
  // Outer k-fold CV for the figures, then the shipped model on every row.
  const folds = prepared.folds!;
  const k = Math.max(...folds) + 1;
  const floatPredicted = new Int32Array(y.length);
  const int8Predicted = new Int32Array(y.length);
  for (let fold = 0; fold < k; fold++) {
    const trainAt: number[] = [];
    const testAt: number[] = [];
    folds.forEach((f, i) => (f === fold ? testAt : trainAt).push(i));
    const { index, trained } = fit(
      prepared,
      trainAt.map((i) => prepared.train.rows[i]!),
      Int32Array.from(trainAt, (i) => y[i]!),
      trainAt.map((i) => prepared.train.groups[i]!),
      classes.length,
      model,
      (d, t, what) => onProgress?.(fold * t + d, k * t + t, `fold ${fold + 1}/${k}: ${what}`),
    );
    const testRows = project(testAt.map((i) => prepared.train.rows[i]!), index);
    const fp = predictFloatRows(trained, testRows);
    const qp = predictModelRows(trained.model, testRows);
    testAt.forEach((row, j) => { floatPredicted[row] = fp[j]!; int8Predicted[row] = qp[j]!; });
  }
  float = computeMetrics(y, floatPredicted, classes.length);
  int8 = computeMetrics(y, int8Predicted, classes.length);
  evaluatedOn = `${y.length} rows by ${prepared.split}`;
  const { index, trained } = fit(prepared, prepared.train.rows, y, prepared.train.groups, classes.length, model, onProgress);
  return finish(prepared, classes, index, trained, evaluatedOn, float, int8);
}

function finish(prepared: Prepared, classes: string[], index: number[], trained: TrainedLut, evaluatedOn: string, float: Metrics, int8: Metrics): TrainRun {
  const m = trained.model;
  return {
    prepared,
    classes,
    featureIndex: index,
    featureNames: index.map((i) => prepared.names[i]!),
    trained,
    evaluatedOn,
    float,
    int8,
    costUs: { classifier: lutCostUs(m.features, m.bins, m.classes, m.columns, m.pairs.length, m.pairBins), features: featureCostUs(prepared) },
  };
}

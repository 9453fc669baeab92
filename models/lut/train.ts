/**
 * Training the additive LUT end to end: quantile thresholds, the L2 strength and its prior (a
 * flat table or a binned linear model; see models/FORMAT.md) chosen by inner cross-validation,
 * the final fit, int8 quantization, the binary export — and predictions under
 * the float table and under the exported int8 model (through the device's reference kernel).
 */
import { hostNatives } from '../../host/espruino/natives.ts';
import { parseLut, type LutModel } from '../../firmware/core/lut/format.ts';
import { classifyReference, createLutClassifier } from '../../firmware/core/lut/infer.ts';
import { binaryLut, lutClassifier } from '../../firmware/core/lut/compact.ts';
import { groupFolds, stratifiedFolds } from '../data/split.ts';
import { binOf, binRows, fitThresholds, quantileThresholds } from './bins.ts';
import { crc32, encodeLut } from './encode.ts';
import { columnsFor, fitLogReg, predictFloat, type FloatTable } from './logreg.ts';
import { fitLinear, rawWeight } from './linear.ts';
import { quantize, type QuantizedTable } from './quantize.ts';
import { SpruceError } from '../../host/errors.ts';

export interface LutTrainOptions {
  /** Bins per feature, or candidates for the inner CV to choose from (with λ). */
  bins: number | number[];
  /** Candidate L2 strengths; the inner CV picks one (a single value skips the CV). */
  lambdas: number[];
  innerFolds: number;
  /** Row groups (subjects): inner folds then keep groups apart. */
  groups?: string[];
  maxIterations?: number;
  seed?: number;
  /**
   * What L2 shrinks the table toward: zero (the steps between bins), a binned linear model, or
   * 'auto' (default): the inner CV chooses between the two along with λ and bins.
   */
  prior?: LutPrior | 'auto';
  /** Pair tables for feature interactions (--pairs K), each Q × Q bins (default Q = 4). */
  pairs?: number;
  pairBins?: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

/** A pair table's features and their own (coarser) thresholds. */
export interface PairSpec {
  a: number;
  b: number;
  thresholdsA: Int32Array;
  thresholdsB: Int32Array;
}

export type LutPrior = 'linear' | 'zero';

export interface TrainedLut {
  thresholds: Int32Array;
  pairs: PairSpec[];
  float: FloatTable;
  quantized: QuantizedTable;
  lambda: number;
  prior: LutPrior;
  innerScores: { lambda: number; bins: number; prior: LutPrior; accuracy: number }[];
  bytes: Uint8Array;
  model: LutModel;
}

export const DEFAULT_LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1];

function subset<T>(items: ArrayLike<T>, keep: (i: number) => boolean): T[] {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) if (keep(i)) out.push(items[i]!);
  return out;
}

/**
 * The steps a linear model (dense logistic regression on the same rows) would put between
 * neighbouring bins: weight × (mean value of bin j+1 − mean value of bin j). Shrinking toward
 * these makes strong regularisation mean "a binned linear model" rather than "a flat table",
 * so the LUT keeps the linear model's generalisation and adds shape only where data supports it.
 */
export function linearPrior(rows: Int32Array[], labels: Int32Array, classes: number, thresholds: Int32Array, bins: number, binned: Uint8Array): Float64Array {
  const features = rows[0]!.length;
  const linear = fitLinear(rows, labels, classes, 1e-3, 200);
  const k = columnsFor(classes);
  const steps = bins - 1;
  const prior = new Float64Array(k * features * steps);
  const sums = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let f = 0; f < features; f++) {
    sums.fill(0);
    counts.fill(0);
    for (let r = 0; r < rows.length; r++) {
      const b = binned[r * features + f]!;
      sums[b]! += rows[r]![f]!;
      counts[b]!++;
    }
    // Representative value per bin: its mean, or the thresholds around it when it is empty.
    const rep = new Float64Array(bins);
    for (let b = 0; b < bins; b++) {
      const t = thresholds[f * steps + Math.min(b, steps - 1)]!;
      rep[b] = counts[b]! > 0 ? sums[b]! / counts[b]! : b === 0 ? t : thresholds[f * steps + b - 1]! + (b < steps ? (t - thresholds[f * steps + b - 1]!) / 2 : 1);
    }
    for (let c = 0; c < k; c++) {
      const w = k === 1 ? rawWeight(linear, 1, f) - rawWeight(linear, 0, f) : rawWeight(linear, c, f);
      for (let j = 0; j < steps; j++) prior[(c * features + f) * steps + j] = w * (rep[j + 1]! - rep[j]!);
    }
  }
  return prior;
}

export function pairCellsOf(rows: Int32Array[], pairs: PairSpec[], pairBins: number): Uint8Array[] {
  return pairs.map((pair) => Uint8Array.from(rows, (row) => binOf(pair.thresholdsA, 0, pairBins - 1, row[pair.a]!) * pairBins + binOf(pair.thresholdsB, 0, pairBins - 1, row[pair.b]!)));
}

/**
 * Which interactions the additive model misses: among the most important features, the pairs
 * whose Q×Q cells collect the largest residual totals (the log-loss gradient of a pair table
 * at zero) under the fitted additive model.
 */
function choosePairs(float: FloatTable, binned: Uint8Array, rows: Int32Array[], labels: Int32Array, count: number, pairBins: number): PairSpec[] {
  const f = float.features;
  const importance = featureImportance(float);
  const top = Array.from(importance.keys()).sort((x, y) => importance[y]! - importance[x]!).slice(0, Math.min(f, Math.ceil(Math.sqrt(2 * count)) + 3));
  const k = float.columns;
  const residuals = new Float64Array(rows.length * k);
  const scores = new Float64Array(k);
  for (let r = 0; r < rows.length; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      let s = float.bias[c]!;
      for (let j = 0; j < f; j++) s += float.table[(c * f + j) * float.bins + binned[r * f + j]!]!;
      scores[c] = s;
      max = Math.max(max, s);
    }
    if (k === 1) residuals[r] = 1 / (1 + Math.exp(-scores[0]!)) - (labels[r] === 1 ? 1 : 0);
    else {
      let z = 0;
      for (let c = 0; c < k; c++) z += Math.exp(scores[c]! - max);
      for (let c = 0; c < k; c++) residuals[r * k + c] = Math.exp(scores[c]! - max) / z - (labels[r] === c ? 1 : 0);
    }
  }
  const thresholdsOf = new Map<number, Int32Array>();
  for (const t of top) thresholdsOf.set(t, quantileThresholds(Float64Array.from(rows, (row) => row[t]!), pairBins));
  const candidates: { spec: PairSpec; score: number }[] = [];
  for (let i = 0; i < top.length; i++) {
    for (let j = i + 1; j < top.length; j++) {
      const [a, b] = top[i]! < top[j]! ? [top[i]!, top[j]!] : [top[j]!, top[i]!];
      const spec: PairSpec = { a, b, thresholdsA: thresholdsOf.get(a)!, thresholdsB: thresholdsOf.get(b)! };
      const cells = pairCellsOf(rows, [spec], pairBins)[0]!;
      const totals = new Float64Array(k * pairBins * pairBins);
      for (let r = 0; r < rows.length; r++) for (let c = 0; c < k; c++) totals[c * pairBins * pairBins + cells[r]!]! += residuals[r * k + c]!;
      candidates.push({ spec, score: totals.reduce((sum, v) => sum + v * v, 0) });
    }
  }
  return candidates.sort((x, y) => y.score - x.score).slice(0, count).map((c) => c.spec);
}

function fitOnRows(rows: Int32Array[], labels: Int32Array, classes: number, bins: number, lambda: number, maxIterations?: number, priorKind: 'linear' | 'zero' = 'zero', pairCount = 0, pairBins = 4): { thresholds: Int32Array; float: FloatTable; pairs: PairSpec[] } {
  const features = rows[0]!.length;
  const thresholds = fitThresholds(rows, features, bins);
  const binned = binRows(rows, thresholds, features, bins);
  const prior = priorKind === 'linear' ? linearPrior(rows, labels, classes, thresholds, bins, binned) : undefined;
  const set = { bins: binned, rows: rows.length, features, binCount: bins, labels, classes };
  const float = fitLogReg(set, lambda, { maxIterations, prior });
  if (pairCount <= 0 || features < 2) return { thresholds, float, pairs: [] };
  const pairs = choosePairs(float, binned, rows, labels, pairCount, pairBins);
  const joint = fitLogReg({ ...set, pairCells: pairCellsOf(rows, pairs, pairBins), pairBins }, lambda, { maxIterations, prior });
  return { thresholds, float: joint, pairs };
}

export function trainLut(rows: Int32Array[], labels: Int32Array, classes: number, options: LutTrainOptions): TrainedLut {
  const binChoices = Array.isArray(options.bins) ? options.bins : [options.bins];
  for (const bins of binChoices) {
    if (!(bins >= 2 && bins <= 16 && (bins & (bins - 1)) === 0)) {
      throw new SpruceError('E_USAGE', `--bins must be 2, 4, 8 or 16, not ${bins}`, { hint: 'the device kernel searches power-of-two bins; 16 is the usual choice', exit: 'USAGE' });
    }
  }
  if (rows.length === 0) throw new SpruceError('E_BAD_DATA', 'no training rows', { hint: 'check the split options', exit: 'BAD_INPUT' });
  const lambdas = options.lambdas.length > 0 ? options.lambdas : DEFAULT_LAMBDAS;
  const priors: LutPrior[] = options.prior === 'zero' || options.prior === 'linear' ? [options.prior] : ['zero', 'linear'];
  const candidates = binChoices.flatMap((bins) => priors.flatMap((prior) => lambdas.map((lambda) => ({ bins, prior, lambda }))));
  const innerScores: { lambda: number; bins: number; prior: LutPrior; accuracy: number }[] = [];
  const total = candidates.length > 1 ? candidates.length * options.innerFolds + 1 : 1;
  let done = 0;
  let chosen = candidates[0]!;
  if (candidates.length > 1) {
    const distinctGroups = options.groups ? new Set(options.groups).size : 0;
    const folds = options.groups && distinctGroups >= options.innerFolds ? groupFolds(options.groups, options.innerFolds) : stratifiedFolds(labels, options.innerFolds, options.seed ?? 7);
    for (const candidate of candidates) {
      let correct = 0;
      let count = 0;
      for (let k = 0; k < options.innerFolds; k++) {
        const trainRows = subset(rows, (i) => folds[i] !== k);
        const testRows = subset(rows, (i) => folds[i] === k);
        options.onProgress?.(done++, total, `inner CV ${candidate.bins} bins ${candidate.prior} prior λ=${candidate.lambda} fold ${k + 1}/${options.innerFolds}`);
        if (testRows.length === 0 || trainRows.length === 0) continue;
        const fit = fitOnRows(trainRows, Int32Array.from(subset(labels, (i) => folds[i] !== k)), classes, candidate.bins, candidate.lambda, options.maxIterations, candidate.prior, options.pairs, options.pairBins);
        const predicted = predictFloatRows(fit, testRows);
        const truth = subset(labels, (i) => folds[i] === k);
        truth.forEach((t, i) => { if (t === predicted[i]) correct++; });
        count += truth.length;
      }
      innerScores.push({ ...candidate, accuracy: count === 0 ? 0 : correct / count });
    }
    // Best accuracy; ties go to fewer bins, then to the linear prior, then to stronger
    // regularisation (the simpler model).
    const simpler = (a: (typeof innerScores)[number], b: (typeof innerScores)[number]): boolean =>
      a.bins !== b.bins ? a.bins < b.bins : a.prior !== b.prior ? a.prior === 'linear' : a.lambda > b.lambda;
    let best = innerScores[0]!;
    for (const s of innerScores) if (s.accuracy > best.accuracy || (s.accuracy === best.accuracy && simpler(s, best))) best = s;
    chosen = { bins: best.bins, prior: best.prior, lambda: best.lambda };
  }
  const { lambda, bins, prior } = chosen;
  options.onProgress?.(done++, total, `final fit ${bins} bins ${prior} prior λ=${lambda}`);
  const { thresholds, float, pairs } = fitOnRows(rows, labels, classes, bins, lambda, options.maxIterations, prior, options.pairs, options.pairBins);
  const quantized = quantize(float);
  const pairBins = options.pairBins ?? 4;
  const cells = pairBins * pairBins;
  const blocks = pairs.map((pair, p) => {
    const table = new Int8Array(quantized.columns * cells);
    for (let c = 0; c < quantized.columns; c++) table.set(quantized.pairTable!.subarray((c * pairs.length + p) * cells, (c * pairs.length + p + 1) * cells), c * cells);
    return { ...pair, table };
  });
  const bytes = encodeLut({ ...quantized, thresholds, pairBins, pairs: blocks });
  const parsed = parseLut(bytes.buffer as ArrayBuffer);
  if (!parsed.ok) throw new SpruceError('E_INTERNAL', `exported model does not parse: ${parsed.detail}`);
  options.onProgress?.(done, total, 'done');
  return { thresholds, pairs, float, quantized, lambda, prior, innerScores, bytes, model: parsed.model };
}

/** Predictions of the float table (same bins and pairs, no quantization). */
export function predictFloatRows(trained: { thresholds: Int32Array; float: FloatTable; pairs: PairSpec[] }, rows: Int32Array[]): Int32Array {
  const cells = trained.pairs.length > 0 ? pairCellsOf(rows, trained.pairs, trained.float.pairBins ?? 4) : [];
  return predictFloat(trained.float, binRows(rows, trained.thresholds, trained.float.features, trained.float.bins), rows.length, cells);
}

/** Predictions of the exported int8 model through the device's plain-JS reference kernel. */
export function predictModelRows(model: LutModel, rows: Int32Array[]): Int32Array {
  return Int32Array.from(rows, (row) => classifyReference(model, row));
}

/**
 * Predictions through the kernel a device runs, with the host's exact natives: for a model
 * without pair tables the compact kernels (core/lut/compact.ts, layout from the dimensions, file
 * checked by its CRC-32; binaryLut for a binary model, as the occupancy app runs it, else
 * lutClassifier), otherwise the general fast kernel (infer.ts).
 */
export function predictModelRowsFast(model: LutModel, rows: Int32Array[]): Int32Array {
  if (model.pairs.length > 0) {
    const classifier = createLutClassifier(hostNatives, model);
    return Int32Array.from(rows, (row) => classifier.classify(row));
  }
  // parseLut's views sit on the whole file, from byte 0.
  const file = model.thresholds.buffer.slice(0, model.byteLength) as ArrayBuffer;
  if (model.columns === 1) {
    const files = { natives: { CRC32: (data: ArrayBuffer) => crc32(new Uint8Array(data)) }, read: () => file };
    const index = Array.from({ length: model.features }, (_, f) => f);
    const crc = crc32(new Uint8Array(file));
    return Int32Array.from(rows, (row) => binaryLut(files, 'model', crc, model.bins, index, row)?.label ?? -1);
  }
  const classifier = lutClassifier(hostNatives, file, model.features, model.bins, model.columns);
  return Int32Array.from(rows, (row) => classifier.classify(row));
}

/** How much each feature matters: the largest spread of its scores across bins, over columns. */
export function featureImportance(float: FloatTable): Float64Array {
  const out = new Float64Array(float.features);
  for (let c = 0; c < float.columns; c++) {
    for (let f = 0; f < float.features; f++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let b = 0; b < float.bins; b++) {
        const v = float.table[(c * float.features + f) * float.bins + b]!;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      out[f] = Math.max(out[f]!, hi - lo);
    }
  }
  return out;
}

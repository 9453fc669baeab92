/**
 * Training the additive LUT end to end: quantile thresholds, the L2 strength chosen by inner
 * cross-validation, the final fit, int8 quantization, the binary export — and predictions under
 * the float table and under the exported int8 model (through the device's reference kernel).
 */
import { hostNatives } from '../../host/espruino/natives.ts';
import { parseLut, type LutModel } from '../../firmware/core/lut/format.ts';
import { classifyReference, createLutClassifier } from '../../firmware/core/lut/infer.ts';
import { groupFolds, stratifiedFolds } from '../data/split.ts';
import { binRows, fitThresholds } from './bins.ts';
import { encodeLut } from './encode.ts';
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
  /** What L2 shrinks the table toward: zero (default: the steps between bins) or a binned linear model. */
  prior?: 'linear' | 'zero';
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface TrainedLut {
  thresholds: Int32Array;
  float: FloatTable;
  quantized: QuantizedTable;
  lambda: number;
  innerScores: { lambda: number; bins: number; accuracy: number }[];
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

function fitOnRows(rows: Int32Array[], labels: Int32Array, classes: number, bins: number, lambda: number, maxIterations?: number, priorKind: 'linear' | 'zero' = 'zero'): { thresholds: Int32Array; float: FloatTable } {
  const features = rows[0]!.length;
  const thresholds = fitThresholds(rows, features, bins);
  const binned = binRows(rows, thresholds, features, bins);
  const prior = priorKind === 'linear' ? linearPrior(rows, labels, classes, thresholds, bins, binned) : undefined;
  const float = fitLogReg({ bins: binned, rows: rows.length, features, binCount: bins, labels, classes }, lambda, { maxIterations, prior });
  return { thresholds, float };
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
  const candidates = binChoices.flatMap((bins) => lambdas.map((lambda) => ({ bins, lambda })));
  const innerScores: { lambda: number; bins: number; accuracy: number }[] = [];
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
        options.onProgress?.(done++, total, `inner CV ${candidate.bins} bins λ=${candidate.lambda} fold ${k + 1}/${options.innerFolds}`);
        if (testRows.length === 0 || trainRows.length === 0) continue;
        const fit = fitOnRows(trainRows, Int32Array.from(subset(labels, (i) => folds[i] !== k)), classes, candidate.bins, candidate.lambda, options.maxIterations, options.prior);
        const predicted = predictFloat(fit.float, binRows(testRows, fit.thresholds, fit.float.features, candidate.bins), testRows.length);
        const truth = subset(labels, (i) => folds[i] === k);
        truth.forEach((t, i) => { if (t === predicted[i]) correct++; });
        count += truth.length;
      }
      innerScores.push({ ...candidate, accuracy: count === 0 ? 0 : correct / count });
    }
    // Best accuracy; ties go to fewer bins, then to stronger regularisation (the simpler model).
    let best = innerScores[0]!;
    for (const s of innerScores) {
      if (s.accuracy > best.accuracy || (s.accuracy === best.accuracy && (s.bins < best.bins || (s.bins === best.bins && s.lambda > best.lambda)))) best = s;
    }
    chosen = { bins: best.bins, lambda: best.lambda };
  }
  const { lambda, bins } = chosen;
  options.onProgress?.(done++, total, `final fit ${bins} bins λ=${lambda}`);
  const { thresholds, float } = fitOnRows(rows, labels, classes, bins, lambda, options.maxIterations, options.prior);
  const quantized = quantize(float);
  const bytes = encodeLut({ ...quantized, thresholds });
  const parsed = parseLut(bytes.buffer as ArrayBuffer);
  if (!parsed.ok) throw new SpruceError('E_INTERNAL', `exported model does not parse: ${parsed.detail}`);
  options.onProgress?.(done, total, 'done');
  return { thresholds, float, quantized, lambda, innerScores, bytes, model: parsed.model };
}

/** Predictions of the float table (same bins, no quantization). */
export function predictFloatRows(trained: { thresholds: Int32Array; float: FloatTable }, rows: Int32Array[]): Int32Array {
  return predictFloat(trained.float, binRows(rows, trained.thresholds, trained.float.features, trained.float.bins), rows.length);
}

/** Predictions of the exported int8 model through the device's plain-JS reference kernel. */
export function predictModelRows(model: LutModel, rows: Int32Array[]): Int32Array {
  return Int32Array.from(rows, (row) => classifyReference(model, row));
}

/** Predictions through the fast kernel with the host's exact natives (what the device runs). */
export function predictModelRowsFast(model: LutModel, rows: Int32Array[]): Int32Array {
  const classifier = createLutClassifier(hostNatives, model);
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

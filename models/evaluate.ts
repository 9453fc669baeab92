/**
 * Evaluating a trained model folder (`spruce eval`): rebuild the held-out rows from the data
 * configuration stored in model.json (or another CSV of the same shape), run the exported int8
 * model through BOTH device kernels (they must agree), and report accuracy, macro-F1, the
 * confusion matrix, the model's bytes and the estimated device cost per inference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SpruceError } from '../host/errors.ts';
import { parseLut, type LutModel } from '../firmware/core/lut/format.ts';
import type { ModelMeta } from './artefacts.ts';
import { prepare, type DataConfig } from './prepare.ts';
import { predictModelRows, predictModelRowsFast } from './lut/train.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { lutCostUs } from './cost.ts';
import { featureCostUs } from './pipeline.ts';

export interface Evaluation {
  model: string;
  bytes: number;
  hash: string;
  labels: string[];
  evaluatedOn: string;
  rows: number;
  metrics: Metrics;
  kernelsAgree: boolean;
  estimatedDeviceCostUs: { classifier: number; features: number };
}

export function loadModelFolder(dir: string): { meta: ModelMeta; model: LutModel; bytes: Uint8Array } {
  const metaPath = join(dir, 'model.json');
  if (!existsSync(metaPath)) {
    throw new SpruceError('E_NO_MODEL', `no model.json in ${dir}`, { hint: 'point at a folder written by `spruce train` (e.g. models/activity)', exit: 'BAD_INPUT' });
  }
  let meta: ModelMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as ModelMeta;
  } catch (error) {
    throw new SpruceError('E_BAD_MODEL', `${metaPath} is not valid JSON: ${(error as Error).message}`, { hint: 'retrain with `spruce train`', exit: 'BAD_INPUT' });
  }
  const file = join(dir, meta.file);
  if (!existsSync(file)) throw new SpruceError('E_NO_MODEL', `model file ${file} is missing`, { hint: 'retrain with `spruce train`', exit: 'BAD_INPUT' });
  const bytes = new Uint8Array(readFileSync(file));
  const parsed = parseLut(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  if (!parsed.ok) throw new SpruceError(parsed.code, `${file}: ${parsed.detail}`, { hint: 'retrain with `spruce train`', exit: 'BAD_INPUT' });
  if (parsed.model.hash !== meta.hash) {
    throw new SpruceError('E_MODEL_HASH', `${file} does not match its model.json (hash ${parsed.model.hash} vs ${meta.hash})`, { hint: 'the files come from different runs: retrain with `spruce train`', exit: 'BAD_INPUT' });
  }
  return { meta, model: parsed.model, bytes };
}

export function evaluateFolder(dir: string, data?: DataConfig): Evaluation {
  const { meta, model, bytes } = loadModelFolder(dir);
  const config = data ?? meta.data;
  const prepared = prepare(config);
  const names = prepared.names;
  const missing = meta.features.filter((f) => !names.includes(f));
  if (missing.length > 0) throw new SpruceError('E_BAD_DATA', `the data lacks the model's features ${missing.join(', ')}`, { hint: 'evaluate on data with the same columns and options', exit: 'BAD_INPUT' });
  const index = meta.features.map((f) => names.indexOf(f));
  const set = prepared.test ?? prepared.train;
  const unknown = set.labels.findIndex((l) => !meta.labels.includes(l));
  if (unknown >= 0) throw new SpruceError('E_BAD_DATA', `${set.file}:${set.lines[unknown]}: class "${set.labels[unknown]}" is not one the model knows (${meta.labels.join(', ')})`, { hint: 'evaluate on data with the same classes', exit: 'BAD_INPUT' });
  const rows = set.rows.map((row) => Int32Array.from(index, (i) => row[i]!));
  const truth = Int32Array.from(set.labels, (l) => meta.labels.indexOf(l));
  const reference = predictModelRows(model, rows);
  const fast = predictModelRowsFast(model, rows);
  return {
    model: relative(process.cwd(), join(dir, meta.file)) || join(dir, meta.file),
    bytes: bytes.length,
    hash: meta.hashHex,
    labels: meta.labels,
    evaluatedOn: prepared.test ? `held-out rows (${prepared.split})` : `all rows of ${config.data} (the model was trained with cross-validation on them: optimistic)`,
    rows: rows.length,
    metrics: computeMetrics(truth, reference, meta.labels.length),
    kernelsAgree: reference.every((v, i) => v === fast[i]),
    estimatedDeviceCostUs: { classifier: lutCostUs(model.features, model.bins, model.classes, model.columns, model.pairs.length, model.pairBins), features: featureCostUs(prepared) },
  };
}

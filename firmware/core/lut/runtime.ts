/**
 * Loading a model for an app: parse the Storage file, check it is the model the bundle was built
 * for (the hash in the generated metadata), and build the fast classifier. Failures are values.
 */
import type { Natives } from '../features/natives';
import { parseLut } from './format';
import { createLutClassifier, type LutClassifier } from './infer';

/** Where an app gets its natives and model files: the board (hal/lut.ts) or the host (models/host-models.ts). */
export interface ModelEnvironment {
  natives: Natives;
  /** The file's bytes (mapped from flash on the board), or undefined when the file is absent. */
  read(name: string): ArrayBuffer | undefined;
}

export type LoadedModel = { ok: true; classifier: LutClassifier; scale: number; classes: number } | { ok: false; code: string; detail: string };

export function loadLutModel(natives: Natives, buffer: ArrayBuffer | undefined, name: string, expectedHash: number): LoadedModel {
  if (buffer === undefined) return { ok: false, code: 'E_MODEL_MISSING', detail: name + ' is not in Storage' };
  var parsed = parseLut(buffer);
  if (!parsed.ok) return { ok: false, code: parsed.code, detail: name + ': ' + parsed.detail };
  if (parsed.model.hash !== expectedHash >>> 0) {
    return { ok: false, code: 'E_MODEL_HASH', detail: name + ' is not the model this firmware was built with' };
  }
  return { ok: true, classifier: createLutClassifier(natives, parsed.model), scale: parsed.model.scale, classes: parsed.model.classes };
}

/**
 * Confidence 0..100 of a binary model's decision from its integer score (score / scale is the
 * logit): floor(100 · max(p, 1 − p)). For telemetry only; decisions never depend on it.
 */
export function binaryConfidence(score: number, scale: number): number {
  var p = 1 / (1 + Math.exp(-score / scale));
  return Math.floor(100 * (p > 0.5 ? p : 1 - p));
}

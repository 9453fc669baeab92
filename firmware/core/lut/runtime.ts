/**
 * The general way to load a model for an app: parse and validate the Storage file's header, check
 * it is the model the bundle was built for (the header hash against the generated MODEL_HASH), and
 * build the general fast classifier (pair tables included). Failures are values. The shipped apps
 * use the smaller compact.ts instead (no pair tables, layout from the generated file, CRC check:
 * about 0.4 KB of bundle instead of 3 KB); this loader is for models it does not cover.
 */
import type { Natives } from '../features/natives';
import { parseLut } from './format';
import { createLutClassifier, type LutClassifier } from './infer';
import type { ModelFiles } from './compact';

/**
 * Where an app gets its natives and model files: the board (hal/lut.ts) or the host
 * (models/host-models.ts). `read` gives the file's bytes (mapped from flash on the board), or
 * undefined when the file is absent; CRC32 checks a file against its generated MODEL_CRC.
 */
export interface ModelEnvironment extends ModelFiles {
  natives: Natives & ModelFiles['natives'];
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

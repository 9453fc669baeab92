/**
 * The activity model on the board: activity.lut (app.json) mapped from flash, accepted only when
 * its CRC-32 is the generated MODEL_CRC (the model this bundle was built for), and run by the
 * compact kernel over the layout model.gen.ts gives (core/lut/compact.ts; no header parsing).
 * Returns null when the file is missing or is another model: the app then reports and stops.
 */
import { lutClassifier, modelFile } from '../../core/lut/compact';
import type { LutClassifier } from '../../core/lut/infer';
import type { ModelEnvironment } from '../../hal/lut';
import { BINS, COLUMNS, FEATURE_INDEX, MODEL_CRC, MODEL_FILE } from './model.gen';

export function activityClassifier(env: ModelEnvironment): LutClassifier | null {
  var buffer = modelFile(env, MODEL_FILE, MODEL_CRC);
  return buffer ? lutClassifier(env.natives, buffer, FEATURE_INDEX.length, BINS, COLUMNS) : null;
}

/**
 * The device's small LUT kernels, for models whose layout the bundle already knows from its
 * generated model file (model*.gen.ts: MODEL_FILE, MODEL_CRC, BINS, COLUMNS, FEATURE_INDEX), so the
 * board neither parses nor validates the header (format.ts does that on the host and for the
 * general loader, runtime.ts). One check replaces all of that: the CRC-32 of the whole file must
 * be the one the generator recorded, so the bytes are exactly the model this bundle was built for
 * (any other model, a truncated copy or a flipped bit is refused) and the layout below holds.
 * Format v1 without pair tables (models/FORMAT.md), F features, B bins, K score columns:
 *
 *   12  float32 scale            20  int32 thresholds[F][B−1]
 *   20 + 4·F·(B−1)  int16 bias[K]   then int8 table[K][F·B]
 *
 * Semantics are the reference kernel's (infer.ts classifyReference): bin = number of thresholds
 * below x (a binary search over the non-decreasing run), score_k = bias_k + Σ table_k[f·B + bin];
 * binary (K = 1): class 1 when score > 0; else the argmax, ties to the lowest class.
 */
import type { Natives } from '../features/natives';
import type { LutClassifier } from './infer';

/** What the kernel needs from the board: Storage files (mapped from flash) and E.CRC32. */
export interface ModelFiles {
  natives: { CRC32(data: ArrayBuffer): number };
  /** The file's bytes, or undefined when it is not in Storage. */
  read(name: string): ArrayBuffer | undefined;
}

/** A binary decision: label 0/1 and the model's confidence in it, 0..100. */
export interface BinaryDecision {
  label: number;
  score: number;
}

/**
 * For a binary model and a handful of features (the occupancy app): the binning loop adds each
 * feature's score as it goes, which costs less code and time than a native gather.
 * Classifies `x[index[f]]` (f < F) with the model in `file`, or returns null when the file is
 * missing or its CRC-32 is not `crc` (the caller falls back). The confidence is
 * floor(100 · sigmoid(|score| / scale)); decisions never depend on it.
 */
export function binaryLut(files: ModelFiles, file: string, crc: number, bins: number, index: number[], x: ArrayLike<number>): BinaryDecision | null {
  var buffer = files.read(file);
  if (!buffer || files.natives.CRC32(buffer) !== crc) return null;
  var features = index.length;
  var steps = bins - 1;
  var thresholds = new Int32Array(buffer, 20, features * steps);
  var biasAt = 20 + 4 * features * steps;
  var table = new Int8Array(buffer, biasAt + 2);
  var total = new Int16Array(buffer, biasAt, 1)[0];
  for (var f = 0; f < features; f++) {
    var value = x[index[f]];
    var bin = 0;
    for (var step = bins >> 1; step; step >>= 1) if (value > thresholds[f * steps + bin + step - 1]) bin += step;
    total += table[f * bins + bin];
  }
  // |0 is floor here (a positive number below 2^31), and exact on both host and device.
  return { label: total > 0 ? 1 : 0, score: (100 / (1 + Math.exp(-Math.abs(total) / new Float32Array(buffer, 12, 1)[0]))) | 0 };
}

/**
 * A classifier over an already CRC-checked model buffer (see `modelFile`) with K ≥ 1 columns:
 * binary search per feature into precomputed keys, then per column ONE E.mapInPlace gathers the
 * scores through the keys and ONE E.sum adds them (the activity app: 16 features, 5 classes).
 */
export function lutClassifier(natives: Natives, buffer: ArrayBuffer, features: number, bins: number, columns: number): LutClassifier {
  var steps = bins - 1;
  var thresholds = new Int32Array(buffer, 20, features * steps);
  var biasAt = 20 + 4 * features * steps;
  var bias = new Int16Array(buffer, biasAt, columns);
  var tables: Int8Array[] = [];
  for (var k = 0; k < columns; k++) tables.push(new Int8Array(buffer, biasAt + 2 * columns + k * features * bins, features * bins));
  var keys = new Uint16Array(features);
  var gathered = new Int8Array(features);
  var scores = new Int32Array(columns);
  return {
    scores: scores,
    classify: function (x: ArrayLike<number>): number {
      for (var f = 0; f < features; f++) {
        var bin = 0;
        for (var step = bins >> 1; step; step >>= 1) if (x[f] > thresholds[f * steps + bin + step - 1]) bin += step;
        keys[f] = f * bins + bin;
      }
      var best = 0;
      for (var c = 0; c < columns; c++) {
        natives.mapInPlace(keys, gathered, tables[c]);
        scores[c] = natives.sum(gathered) + bias[c];
        if (scores[c] > scores[best]) best = c;
      }
      return columns === 1 ? (scores[0] > 0 ? 1 : 0) : best;
    },
  };
}

/** The model file's bytes when its CRC-32 is `crc`, else null (missing, another model, damaged). */
export function modelFile(files: ModelFiles, file: string, crc: number): ArrayBuffer | null {
  var buffer = files.read(file);
  return buffer && files.natives.CRC32(buffer) === crc ? buffer : null;
}

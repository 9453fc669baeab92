/**
 * Reading the LUT model binary (models/FORMAT.md is the full description). The device maps the
 * file from flash with require("Storage").readArrayBuffer and builds typed-array VIEWS on it, so
 * thresholds and tables cost no RAM. Little-endian throughout.
 *
 *   0   4  magic "SLUT"
 *   4   1  version (1)
 *   5   1  flags (bit 0: binary task stored as one score column)
 *   6   1  F features            7  1  B bins per feature (power of two, 2..16)
 *   8   1  C classes             9  1  K score columns (C, or 1 for a binary task)
 *   10  1  P pair tables        11  1  Q bins per pair-table axis (power of two, 2..8)
 *   12  4  float32 scale (integer score units per logit)
 *   16  4  uint32 FNV-1a hash of every byte from offset 20 to the end
 *   20     int32  thresholds[F][B−1] (non-decreasing per feature)
 *          int16  bias[K]
 *          int8   tables[K][F·B]
 *          P × { uint8 featureA, uint8 featureB, int32 thresholdsA[Q−1], int32 thresholdsB[Q−1],
 *                int8 table[K][Q·Q] }   (pair blocks padded to 4-byte alignment)
 */

export var LUT_MAGIC = 'SLUT';
export var LUT_VERSION = 1;
export var LUT_HEADER_BYTES = 20;

export interface LutPair {
  a: number;
  b: number;
  thresholdsA: Int32Array;
  thresholdsB: Int32Array;
  /** One view per score column, Q·Q entries indexed [binA·Q + binB]. */
  tables: Int8Array[];
}

export interface LutModel {
  version: number;
  features: number;
  bins: number;
  classes: number;
  columns: number;
  scale: number;
  hash: number;
  /** F·(B−1) thresholds, feature-major. */
  thresholds: Int32Array;
  bias: Int16Array;
  /** One Int8Array view of F·B entries per score column. */
  tables: Int8Array[];
  pairBins: number;
  pairs: LutPair[];
  byteLength: number;
}

export type LutParse = { ok: true; model: LutModel } | { ok: false; code: string; detail: string };

function isPowerOfTwo(n: number, lo: number, hi: number): boolean {
  return n >= lo && n <= hi && (n & (n - 1)) === 0;
}

/** Pads a byte offset to the next multiple of 4 (Int32Array views need it on the host). */
export function align4(offset: number): number {
  return (offset + 3) & ~3;
}

/** Byte size of one pair block for the given dimensions. */
export function pairBlockBytes(columns: number, pairBins: number): number {
  return align4(4 + 8 * (pairBins - 1) + columns * pairBins * pairBins);
}

/** Parses a model buffer; failures are values with a stable code (device rule). */
export function parseLut(buffer: ArrayBuffer): LutParse {
  if (!buffer || buffer.byteLength < LUT_HEADER_BYTES) return { ok: false, code: 'E_MODEL_SHORT', detail: 'model file is missing or shorter than its header' };
  var head = new Uint8Array(buffer, 0, LUT_HEADER_BYTES);
  if (String.fromCharCode(head[0], head[1], head[2], head[3]) !== LUT_MAGIC) return { ok: false, code: 'E_MODEL_MAGIC', detail: 'not a spruce LUT model (magic)' };
  if (head[4] !== LUT_VERSION) return { ok: false, code: 'E_MODEL_VERSION', detail: 'model format version ' + head[4] + ', this firmware reads ' + LUT_VERSION };
  var f = head[6];
  var b = head[7];
  var c = head[8];
  var k = head[9];
  var p = head[10];
  var q = head[11];
  var binary = (head[5] & 1) === 1;
  if (f < 1 || !isPowerOfTwo(b, 2, 16) || c < 2 || k !== (binary ? 1 : c) || (binary && c !== 2) || (p > 0 && !isPowerOfTwo(q, 2, 8))) {
    return { ok: false, code: 'E_MODEL_DIMS', detail: 'inconsistent dimensions F=' + f + ' B=' + b + ' C=' + c + ' K=' + k + ' P=' + p + ' Q=' + q };
  }
  var thresholdsAt = LUT_HEADER_BYTES;
  var biasAt = thresholdsAt + 4 * f * (b - 1);
  var tablesAt = biasAt + 2 * k;
  var pairsAt = align4(tablesAt + k * f * b);
  var total = p > 0 ? pairsAt + p * pairBlockBytes(k, q) : tablesAt + k * f * b;
  if (buffer.byteLength < total) return { ok: false, code: 'E_MODEL_SHORT', detail: 'model file has ' + buffer.byteLength + ' bytes, its header needs ' + total };
  var view = new DataView(buffer, 0, LUT_HEADER_BYTES);
  var tables: Int8Array[] = [];
  for (var col = 0; col < k; col++) tables.push(new Int8Array(buffer, tablesAt + col * f * b, f * b));
  var pairs: LutPair[] = [];
  for (var i = 0; i < p; i++) {
    var at = pairsAt + i * pairBlockBytes(k, q);
    var ids = new Uint8Array(buffer, at, 2);
    var pairTables: Int8Array[] = [];
    var tableAt = at + 4 + 8 * (q - 1);
    for (var pc = 0; pc < k; pc++) pairTables.push(new Int8Array(buffer, tableAt + pc * q * q, q * q));
    pairs.push({
      a: ids[0],
      b: ids[1],
      thresholdsA: new Int32Array(buffer, at + 4, q - 1),
      thresholdsB: new Int32Array(buffer, at + 4 + 4 * (q - 1), q - 1),
      tables: pairTables,
    });
    if (ids[0] >= f || ids[1] >= f) return { ok: false, code: 'E_MODEL_DIMS', detail: 'pair ' + i + ' names a feature outside 0..' + (f - 1) };
  }
  return {
    ok: true,
    model: {
      version: head[4],
      features: f,
      bins: b,
      classes: c,
      columns: k,
      scale: view.getFloat32(12, true),
      hash: view.getUint32(16, true),
      thresholds: new Int32Array(buffer, thresholdsAt, f * (b - 1)),
      bias: new Int16Array(buffer, biasAt, k),
      tables: tables,
      pairBins: q,
      pairs: pairs,
      byteLength: total,
    },
  };
}

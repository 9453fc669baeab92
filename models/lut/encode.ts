/**
 * Writing the LUT model binary (layout in models/FORMAT.md and firmware/core/lut/format.ts,
 * which reads it). Host only.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { LUT_HEADER_BYTES, LUT_MAGIC, LUT_VERSION, align4, pairBlockBytes } from '../../firmware/core/lut/format.ts';

export interface PairBlock {
  a: number;
  b: number;
  thresholdsA: Int32Array;
  thresholdsB: Int32Array;
  /** K·Q·Q entries, column-major: [k][binA·Q + binB]. */
  table: Int8Array;
}

export interface LutContents {
  features: number;
  bins: number;
  classes: number;
  columns: number;
  scale: number;
  thresholds: Int32Array;
  bias: Int16Array;
  /** K·F·B entries, column-major: [k][f·B + bin]. */
  table: Int8Array;
  pairBins?: number;
  pairs?: PairBlock[];
}

/** 32-bit FNV-1a: the model's version hash (metadata and firmware compare it). */
export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * CRC-32 (the zlib/IEEE one, reflected, polynomial 0xEDB88320) of the bytes: what Espruino's
 * E.CRC32 returns, so the generated MODEL_CRC is the number the board computes over the file.
 * Node's own (as the bridge's WAL uses), unsigned.
 */
export function crc32(bytes: Uint8Array): number {
  return zlibCrc32(bytes);
}

export function encodeLut(contents: LutContents): Uint8Array {
  const { features: f, bins: b, columns: k } = contents;
  const pairs = contents.pairs ?? [];
  const q = pairs.length > 0 ? (contents.pairBins ?? 4) : 0;
  const thresholdsAt = LUT_HEADER_BYTES;
  const biasAt = thresholdsAt + 4 * f * (b - 1);
  const tablesAt = biasAt + 2 * k;
  const pairsAt = align4(tablesAt + k * f * b);
  const total = pairs.length > 0 ? pairsAt + pairs.length * pairBlockBytes(k, q) : tablesAt + k * f * b;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = LUT_MAGIC.charCodeAt(i);
  bytes[4] = LUT_VERSION;
  bytes[5] = k === 1 ? 1 : 0;
  bytes[6] = f;
  bytes[7] = b;
  bytes[8] = contents.classes;
  bytes[9] = k;
  bytes[10] = pairs.length;
  bytes[11] = q;
  view.setFloat32(12, contents.scale, true);
  for (let i = 0; i < contents.thresholds.length; i++) view.setInt32(thresholdsAt + 4 * i, contents.thresholds[i]!, true);
  for (let i = 0; i < k; i++) view.setInt16(biasAt + 2 * i, contents.bias[i]!, true);
  bytes.set(new Uint8Array(contents.table.buffer, contents.table.byteOffset, contents.table.length), tablesAt);
  pairs.forEach((pair, p) => {
    const at = pairsAt + p * pairBlockBytes(k, q);
    bytes[at] = pair.a;
    bytes[at + 1] = pair.b;
    for (let i = 0; i < q - 1; i++) {
      view.setInt32(at + 4 + 4 * i, pair.thresholdsA[i]!, true);
      view.setInt32(at + 4 + 4 * (q - 1) + 4 * i, pair.thresholdsB[i]!, true);
    }
    bytes.set(new Uint8Array(pair.table.buffer, pair.table.byteOffset, pair.table.length), at + 4 + 8 * (q - 1));
  });
  view.setUint32(16, fnv1a(bytes.subarray(LUT_HEADER_BYTES)), true);
  return bytes;
}

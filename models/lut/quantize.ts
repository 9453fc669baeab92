/**
 * Float table → int8 table with ONE scale, plus int16 biases. Before scaling, the table is
 * re-centred in ways that leave every decision unchanged, so the int8 range is spent on what
 * matters:
 *   - multiclass: subtracting the same value from all classes' entry for (feature, bin) shifts
 *     every class score equally for the rows in that bin;
 *   - per (column, feature): every row lands in exactly one bin of each feature, so a constant
 *     moved from the feature's bins into the column's bias changes nothing.
 */
import type { FloatTable } from './logreg.ts';

export interface QuantizedTable {
  columns: number;
  features: number;
  bins: number;
  classes: number;
  /** Integer units per logit. */
  scale: number;
  table: Int8Array;
  bias: Int16Array;
  /** K·P·Q·Q pair entries (absent without pairs). */
  pairTable?: Int8Array;
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
}

/**
 * Centres `values`, laid out as [column k][group][size] (the main table: group = feature, size =
 * bins; a pair table: group = pair, size = its grid cells), moving each (column, group)'s mid-range
 * into the column's bias; with several columns, first takes each entry's mean over the columns.
 */
function centreBlocks(values: Float64Array, bias: Float64Array, k: number, groups: number, size: number): void {
  if (k > 1) {
    for (let g = 0; g < groups; g++) {
      for (let i = 0; i < size; i++) {
        let mean = 0;
        for (let c = 0; c < k; c++) mean += values[(c * groups + g) * size + i]!;
        mean /= k;
        for (let c = 0; c < k; c++) values[(c * groups + g) * size + i]! -= mean;
      }
    }
  }
  for (let c = 0; c < k; c++) {
    for (let g = 0; g < groups; g++) {
      const base = (c * groups + g) * size;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < size; i++) { lo = Math.min(lo, values[base + i]!); hi = Math.max(hi, values[base + i]!); }
      const mid = (lo + hi) / 2;
      for (let i = 0; i < size; i++) values[base + i]! -= mid;
      bias[c]! += mid;
    }
  }
}

export function centreTable(model: FloatTable): FloatTable {
  const { columns: k, features: f, bins: b } = model;
  const table = Float64Array.from(model.table);
  const bias = Float64Array.from(model.bias);
  centreBlocks(table, bias, k, f, b);
  let pairTable: Float64Array | undefined;
  if (model.pairTable) {
    pairTable = Float64Array.from(model.pairTable);
    const cells = (model.pairBins ?? 4) ** 2;
    centreBlocks(pairTable, bias, k, pairTable.length / (k * cells), cells);
  }
  return { ...model, table, bias, ...(pairTable ? { pairTable } : {}) };
}

export function quantize(model: FloatTable): QuantizedTable {
  const centred = centreTable(model);
  let maxAbs = 0;
  for (const v of centred.table) maxAbs = Math.max(maxAbs, Math.abs(v));
  for (const v of centred.pairTable ?? []) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs > 0 ? 127 / maxAbs : 1;
  const table = new Int8Array(centred.table.length);
  for (let i = 0; i < table.length; i++) table[i] = Math.max(-127, Math.min(127, roundHalfAway(centred.table[i]! * scale)));
  const bias = new Int16Array(centred.bias.length);
  for (let c = 0; c < bias.length; c++) bias[c] = Math.max(-32767, Math.min(32767, roundHalfAway(centred.bias[c]! * scale)));
  const pairTable = centred.pairTable ? Int8Array.from(centred.pairTable, (v) => Math.max(-127, Math.min(127, roundHalfAway(v * scale)))) : undefined;
  return { columns: model.columns, features: model.features, bins: model.bins, classes: model.classes, scale: Math.fround(scale), table, bias, ...(pairTable ? { pairTable } : {}) };
}

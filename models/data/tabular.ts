/**
 * Plain tabular CSV: feature columns plus a label column. Every column other than the label
 * (and those given to ignore) is a numeric feature, turned into integers with a power-of-ten
 * scale chosen from the data (recorded in the model's metadata).
 */
import { badData, columnIndex, numberAt, readCsv } from './csv.ts';
import { chooseScale, toScaledInt } from './scale.ts';

export interface TabularLoadOptions {
  file: string;
  label: string;
  /** Use only these columns as features (default: all but label and ignored). */
  features?: string[];
  ignore?: string[];
  scales?: Record<string, number>;
}

export interface TabularData {
  file: string;
  names: string[];
  scales: Record<string, number>;
  rows: Int32Array[];
  labels: string[];
  lines: number[];
}

export function loadTabular(options: TabularLoadOptions): TabularData {
  const table = readCsv(options.file);
  const labelAt = columnIndex(table, options.label, 'label');
  for (const name of options.ignore ?? []) columnIndex(table, name, 'ignore');
  const names = options.features ?? table.header.filter((name, i) => i !== labelAt && !(options.ignore ?? []).includes(name));
  if (names.length === 0) throw badData(table.file, 1, undefined, 'no feature columns are left', 'keep at least one numeric column besides the label');
  const at = names.map((name) => columnIndex(table, name, 'features'));
  const raw = at.map((column) => {
    const values = new Float64Array(table.rows.length);
    for (let r = 0; r < table.rows.length; r++) values[r] = numberAt(table, r, column);
    return values;
  });
  const scales: Record<string, number> = {};
  names.forEach((name, c) => (scales[name] = options.scales?.[name] ?? chooseScale(raw[c]!)));
  const rows: Int32Array[] = [];
  const labels: string[] = [];
  for (let r = 0; r < table.rows.length; r++) {
    const row = new Int32Array(names.length);
    for (let c = 0; c < names.length; c++) row[c] = toScaledInt(raw[c]![r]!, scales[names[c]!]!);
    rows.push(row);
    const label = table.rows[r]![labelAt]!.trim();
    if (label === '') throw badData(table.file, table.lines[r]!, options.label, 'the label is empty', 'give every row a class label');
    labels.push(label);
  }
  return { file: options.file, names, scales, rows, labels, lines: table.lines };
}

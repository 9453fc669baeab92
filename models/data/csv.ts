/**
 * A small CSV reader for the shapes spruce trains on: a header row, comma separators, no quoted
 * fields (the shared datasets have none), `\n` or `\r\n` line ends. Every value keeps its line
 * number so that bad data can be reported as file:line:column with a fix.
 */
import { readFileSync } from 'node:fs';
import { SpruceError } from '../../host/errors.ts';

export interface CsvTable {
  file: string;
  header: string[];
  /** Data rows, split into fields. */
  rows: string[][];
  /** 1-based line number of each data row in the file. */
  lines: number[];
}

export function badData(file: string, line: number, column: string | undefined, message: string, hint: string): SpruceError {
  const where = column === undefined ? `${file}:${line}` : `${file}:${line}, column "${column}"`;
  return new SpruceError('E_BAD_DATA', `${where}: ${message}`, { hint, exit: 'BAD_INPUT' });
}

export function readCsv(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SpruceError('E_NO_DATA', `cannot read ${file}: ${(error as Error).message}`, {
      hint: 'check the path (datasets live in ../shared/datasets or $SPRUCE_DATASETS)',
      exit: 'BAD_INPUT',
    });
  }
  return parseCsv(text, file);
}

export function parseCsv(text: string, file: string): CsvTable {
  const raw = text.split('\n');
  let headerLine = 0;
  while (headerLine < raw.length && raw[headerLine]!.trim() === '') headerLine++;
  if (headerLine >= raw.length) throw badData(file, 1, undefined, 'the file is empty', 'give a CSV file with a header row and data rows');
  const header = raw[headerLine]!.replace(/\r$/, '').split(',').map((name) => name.trim());
  if (header.some((name) => name.includes('"'))) {
    throw badData(file, headerLine + 1, undefined, 'quoted fields are not supported', 'write the CSV without quotes (plain comma-separated values)');
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let i = headerLine + 1; i < raw.length; i++) {
    const line = raw[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const fields = line.split(',');
    if (fields.length !== header.length) {
      throw badData(file, i + 1, undefined, `expected ${header.length} fields like the header, found ${fields.length}`, 'fix or remove the malformed row');
    }
    rows.push(fields);
    lines.push(i + 1);
  }
  if (rows.length === 0) throw badData(file, headerLine + 1, undefined, 'the file has a header but no data rows', 'give a CSV file with data rows');
  return { file, header, rows, lines };
}

/** The index of a named column, or an error naming the file, its header line and the columns it has. */
export function columnIndex(table: CsvTable, name: string, role: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) {
    throw badData(table.file, 1, name, `the ${role} column "${name}" is missing (columns: ${table.header.join(', ')})`, `pass the right column name to --${role}`);
  }
  return index;
}

/** Parses a numeric field or throws an error naming file, line and column. */
export function numberAt(table: CsvTable, row: number, column: number): number {
  const text = table.rows[row]![column]!.trim();
  const value = text === '' ? NaN : Number(text);
  if (!Number.isFinite(value)) {
    throw badData(table.file, table.lines[row]!, table.header[column], `"${text}" is not a number`, 'fix the value, or leave the column out of the features (--ignore / --channels)');
  }
  return value;
}

/**
 * From a data configuration to feature rows and a split: load the CSV (time series, slow
 * series or tabular), compute features with the SAME firmware/core code the device runs (with
 * the host's exact natives), and partition rows by subject, by a separate test file, or into
 * stratified folds.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { hostNatives } from '../host/espruino/natives.ts';
import { datasetsDir } from '../host/paths.ts';
import { SpruceError } from '../host/errors.ts';
import { createSeriesExtractor, checkSeriesSpec, type SeriesSpec } from '../firmware/core/features/series.ts';
import { createSlowExtractor, checkSlowSpec, type SlowSpec } from '../firmware/core/features/slow.ts';
import { cutWindows, loadSeries, type SeriesData, type WindowLabel } from './data/series.ts';
import { loadTabular } from './data/tabular.ts';
import { stratifiedFolds } from './data/split.ts';
import { badData } from './data/csv.ts';
import { loadOccupancyRows, OCCUPANCY_SCALES } from './data/occupancy.ts';

export interface DataConfig {
  kind: 'series' | 'slow' | 'table' | 'occupancy';
  /** CSV path: absolute, relative to the working directory, or relative to the datasets folder. */
  data: string;
  label: string;
  group?: string;
  segment?: string;
  channels?: string[];
  magnitude?: boolean;
  sourceHz?: number;
  hz?: number;
  window?: number;
  hop?: number;
  windowLabel?: WindowLabel;
  /** FFT bands as flattened [first, end) bin pairs (series). */
  bands?: number[];
  /** Correlate every pair of the first three channels (series). */
  correlations?: boolean;
  ignore?: string[];
  /**
   * Time-ordered rows (tabular/occupancy): the inner CV keeps blocks of this many consecutive
   * rows together, since neighbouring rows are near copies and random folds would leak.
   */
  innerBlock?: number;
  scales?: Record<string, number>;
  testGroups?: string[];
  test?: string;
  cv?: number;
}

export interface RowSet {
  rows: Int32Array[];
  labels: string[];
  groups: string[];
  /** A line in the source file for each row (window start segment line for series). */
  lines: number[];
  file: string;
}

export type FeatureSpecMeta = { kind: 'series'; spec: SeriesSpec } | { kind: 'slow'; spec: SlowSpec } | { kind: 'table'; columns: string[] } | { kind: 'occupancy'; columns: string[] };

export interface Prepared {
  config: DataConfig;
  names: string[];
  spec: FeatureSpecMeta;
  scales: Record<string, number>;
  train: RowSet;
  test?: RowSet;
  /** Outer folds of the training rows when the split is k-fold CV. */
  folds?: Int32Array;
  split: string;
}

export function resolveDataPath(path: string): string {
  if (isAbsolute(path)) return path;
  if (existsSync(path)) return resolve(path);
  const inDatasets = join(datasetsDir(), path);
  return existsSync(inDatasets) ? inDatasets : resolve(path);
}

/** Default FFT bands for a window: about 0.8–1.6, 2.3–3.9, 4.7–7.8 and 8.6–25 Hz at 50 Hz/64. */
export function defaultBands(window: number): number[] {
  const edges = [1, 3, 6, 11, 33].map((e) => Math.max(1, Math.round((e * window) / 64)));
  const out: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) if (edges[i + 1]! > edges[i]!) out.push(edges[i]!, Math.min(edges[i + 1]!, window / 2 + 1));
  return out;
}

function seriesRows(data: SeriesData, config: DataConfig, spec: FeatureSpecMeta): RowSet {
  const window = config.window ?? 64;
  const hop = config.hop ?? Math.max(1, window >> 1);
  const windows = cutWindows(data, window, hop, config.windowLabel ?? (spec.kind === 'slow' ? 'last' : 'majority'));
  const lineOf = new Map(data.segments.map((s) => [s.key, s.line]));
  const out: RowSet = { rows: [], labels: [], groups: [], lines: [], file: data.file };
  if (spec.kind === 'series') {
    const extractor = createSeriesExtractor(hostNatives, spec.spec);
    for (const w of windows) {
      const row = new Int32Array(extractor.names.length);
      extractor.compute(w.channels, row);
      out.rows.push(row);
    }
  } else if (spec.kind === 'slow') {
    const extractor = createSlowExtractor(hostNatives, spec.spec);
    for (const w of windows) {
      const row = new Int32Array(extractor.names.length);
      extractor.compute(w.channels, row);
      out.rows.push(row);
    }
  }
  for (const w of windows) {
    out.labels.push(w.label);
    out.groups.push(w.group);
    out.lines.push(lineOf.get(w.segment) ?? 1);
  }
  return out;
}

function specFor(config: DataConfig, channelNames: string[]): FeatureSpecMeta {
  if (config.kind === 'slow') {
    const spec: SlowSpec = { channels: channelNames, window: config.window ?? 8 };
    const problem = checkSlowSpec(spec);
    if (problem) throw new SpruceError('E_USAGE', problem, { hint: 'choose --window between 2 and 64 for slow sensors', exit: 'USAGE' });
    return { kind: 'slow', spec };
  }
  const window = config.window ?? 64;
  const axes = Math.min(3, config.channels?.length ?? 0);
  const correlations: number[] = [];
  if (config.correlations !== false) for (let a = 0; a < axes; a++) for (let b = a + 1; b < axes; b++) correlations.push(a, b);
  const spec: SeriesSpec = { channels: channelNames, window, bands: config.bands ?? defaultBands(window), correlations };
  const problem = checkSeriesSpec(spec);
  if (problem) throw new SpruceError('E_USAGE', problem, { hint: 'use --window 32, 64 or 128 and bands inside 1..window/2', exit: 'USAGE' });
  return { kind: 'series', spec };
}

function loadRows(config: DataConfig, file: string, scales?: Record<string, number>): { set: RowSet; names: string[]; spec: FeatureSpecMeta; scales: Record<string, number> } {
  if (config.kind === 'occupancy') {
    const occupancy = loadOccupancyRows(file, config.label);
    // Rows are minutes in time order, and neighbours are near copies: the inner CV keeps whole
    // days together (blocked folds) instead of dealing minutes at random, which would leak.
    const block = config.innerBlock ?? 1440;
    const set: RowSet = { rows: occupancy.rows, labels: occupancy.labels, groups: occupancy.labels.map((_, i) => `block${Math.floor(i / block)}`), lines: occupancy.lines, file };
    return { set, names: occupancy.names, spec: { kind: 'occupancy', columns: occupancy.names }, scales: { ...OCCUPANCY_SCALES } };
  }
  if (config.kind === 'table') {
    const table = loadTabular({ file, label: config.label, ignore: config.ignore, scales: scales ?? config.scales });
    const block = config.innerBlock;
    const set: RowSet = { rows: table.rows, labels: table.labels, groups: table.labels.map((_, i) => (block ? `block${Math.floor(i / block)}` : '')), lines: table.lines, file };
    return { set, names: table.names, spec: { kind: 'table', columns: table.names }, scales: table.scales };
  }
  if (!config.channels || config.channels.length === 0) throw new SpruceError('E_USAGE', 'time-series data needs --channels', { hint: 'pass --channels c1,c2,... (or --kind table for tabular data)', exit: 'USAGE' });
  const data = loadSeries({
    file,
    label: config.label,
    group: config.group,
    segment: config.segment,
    channels: config.channels,
    magnitude: config.magnitude,
    sourceHz: config.sourceHz,
    hz: config.hz,
    scales: scales ?? config.scales,
  });
  const spec = specFor(config, data.channelNames);
  const set = seriesRows(data, config, spec);
  const names = spec.kind === 'series' ? createSeriesExtractor(hostNatives, spec.spec).names : spec.kind === 'slow' ? createSlowExtractor(hostNatives, spec.spec).names : [];
  return { set, names, spec, scales: data.scales };
}

function pick(set: RowSet, keep: (i: number) => boolean): RowSet {
  const out: RowSet = { rows: [], labels: [], groups: [], lines: [], file: set.file };
  for (let i = 0; i < set.rows.length; i++) {
    if (!keep(i)) continue;
    out.rows.push(set.rows[i]!);
    out.labels.push(set.labels[i]!);
    out.groups.push(set.groups[i]!);
    out.lines.push(set.lines[i]!);
  }
  return out;
}

/** Class names in a stable order (numeric-aware sort). */
export function classList(labels: string[]): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function prepare(config: DataConfig): Prepared {
  const file = resolveDataPath(config.data);
  const { set, names, spec, scales } = loadRows(config, file);
  const splits = [config.testGroups && config.testGroups.length > 0, config.test !== undefined, config.cv !== undefined].filter(Boolean).length;
  if (splits > 1) throw new SpruceError('E_USAGE', 'choose one split: --test-groups, --test or --cv', { hint: 'drop the others', exit: 'USAGE' });
  let train = set;
  let test: RowSet | undefined;
  let folds: Int32Array | undefined;
  let split: string;
  if (config.testGroups && config.testGroups.length > 0) {
    const wanted = new Set(config.testGroups);
    const known = new Set(set.groups);
    const unknown = config.testGroups.filter((g) => !known.has(g));
    if (unknown.length > 0) throw badData(file, 1, config.group, `test group(s) ${unknown.join(', ')} have no rows`, `use group ids from the "${config.group}" column`);
    train = pick(set, (i) => !wanted.has(set.groups[i]!));
    test = pick(set, (i) => wanted.has(set.groups[i]!));
    split = `subject-wise: test ${config.group ?? 'group'}s ${config.testGroups.join(' ')}; train the other ${new Set(train.groups).size}`;
  } else if (config.test !== undefined) {
    const testFile = resolveDataPath(config.test);
    test = loadRows(config, testFile, scales).set;
    split = `separate test file ${config.test}`;
  } else {
    const k = config.cv ?? 5;
    if (!(k >= 2)) throw new SpruceError('E_USAGE', `--cv needs at least 2 folds, not ${k}`, { hint: 'use --cv 5', exit: 'USAGE' });
    split = `stratified ${k}-fold cross-validation (seed 1)`;
    folds = stratifiedFolds(Int32Array.from(set.labels, (l) => classList(set.labels).indexOf(l)), k, 1);
  }
  const known = new Set(train.labels);
  if (test) {
    const index = test.labels.findIndex((l) => !known.has(l));
    if (index >= 0) {
      throw badData(test.file, test.lines[index]!, config.label, `class "${test.labels[index]}" has no rows in the training data`, 'train on data that has every class, or drop that class from the test data');
    }
  }
  if (known.size < 2) throw badData(train.file, train.lines[0] ?? 1, config.label, `the training data has only ${known.size} class`, 'a classifier needs at least two classes with rows');
  return { config, names, spec, scales, train, test, folds, split };
}

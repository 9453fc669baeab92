/**
 * Time-series CSV (one row per sample: group, segment, label, time, channels) cut into windows.
 * Column roles are options, so any CSV of that shape works. Windows never cross a segment
 * (an execution, a recording), and the optional resampling turns e.g. the 104 Hz watch data
 * into the 50 Hz the device samples at.
 */
import { SpruceError } from '../../host/errors.ts';
import { magnitudeOf } from '../../firmware/core/features/series.ts';
import { badData, columnIndex, numberAt, readCsv } from './csv.ts';
import { chooseScale, toScaledInt } from './scale.ts';

export type WindowLabel = 'majority' | 'center' | 'last' | 'pure';

export interface SeriesLoadOptions {
  file: string;
  label: string;
  group?: string;
  segment?: string;
  channels: string[];
  /** Append the magnitude of the first three channels as channel "mag". */
  magnitude?: boolean;
  /** Rate of the file's rows and the rate to resample to (box averages), both in Hz. */
  sourceHz?: number;
  hz?: number;
  /** Power-of-ten factors per channel; chosen from the data when absent. */
  scales?: Record<string, number>;
}

/** One contiguous recording, resampled, channels as integers. */
export interface Segment {
  group: string;
  key: string;
  /** First data line of the segment in the file (for messages). */
  line: number;
  channels: Float64Array[];
  /** Class name of every sample. */
  labels: string[];
}

export interface SeriesData {
  file: string;
  channelNames: string[];
  scales: Record<string, number>;
  segments: Segment[];
}

export function loadSeries(options: SeriesLoadOptions): SeriesData {
  const table = readCsv(options.file);
  const labelAt = columnIndex(table, options.label, 'label');
  const groupAt = options.group === undefined ? -1 : columnIndex(table, options.group, 'group');
  const segmentAt = options.segment === undefined ? -1 : columnIndex(table, options.segment, 'segment');
  if (options.channels.length === 0) throw new SpruceError('E_USAGE', 'no channels given', { hint: 'pass --channels c1,c2,...', exit: 'USAGE' });
  const channelAt = options.channels.map((name) => columnIndex(table, name, 'channels'));
  if (options.magnitude && options.channels.length < 3) {
    throw new SpruceError('E_USAGE', '--magnitude needs three channels (x, y, z)', { hint: 'list three axis columns in --channels', exit: 'USAGE' });
  }
  const n = table.rows.length;
  const raw = channelAt.map((column) => {
    const values = new Float64Array(n);
    for (let r = 0; r < n; r++) values[r] = numberAt(table, r, column);
    return values;
  });
  const scales: Record<string, number> = {};
  options.channels.forEach((name, c) => {
    scales[name] = options.scales?.[name] ?? chooseScale(raw[c]!);
  });
  // Group rows by (group, segment), keeping first-seen order.
  const byKey = new Map<string, { group: string; rows: number[] }>();
  for (let r = 0; r < n; r++) {
    const group = groupAt < 0 ? '' : table.rows[r]![groupAt]!.trim();
    const key = segmentAt < 0 ? group : `${group}/${table.rows[r]![segmentAt]!.trim()}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { group, rows: [] }));
    entry.rows.push(r);
  }
  const ratio = options.sourceHz !== undefined && options.hz !== undefined ? options.sourceHz / options.hz : 1;
  if (!(ratio >= 1)) {
    throw new SpruceError('E_USAGE', `cannot resample from ${options.sourceHz} Hz up to ${options.hz} Hz`, { hint: 'give --hz at most --source-hz', exit: 'USAGE' });
  }
  const segments: Segment[] = [];
  for (const [key, entry] of byKey) {
    const count = Math.floor(entry.rows.length / ratio);
    if (count === 0) continue;
    const channels = options.channels.map(() => new Float64Array(count));
    const labels: string[] = new Array(count);
    for (let j = 0; j < count; j++) {
      const from = Math.floor(j * ratio);
      const to = Math.max(from + 1, Math.floor((j + 1) * ratio));
      for (let c = 0; c < options.channels.length; c++) {
        let total = 0;
        for (let i = from; i < to; i++) total += raw[c]![entry.rows[i]!]!;
        channels[c]![j] = toScaledInt(total / (to - from), scales[options.channels[c]!]!);
      }
      labels[j] = table.rows[entry.rows[Math.min(entry.rows.length - 1, Math.floor((j + 0.5) * ratio))]!]![labelAt]!.trim();
      if (labels[j] === '') throw badData(table.file, table.lines[entry.rows[from]!]!, options.label, 'the label is empty', 'give every row a class label');
    }
    if (options.magnitude) {
      const mag = new Float64Array(count);
      for (let j = 0; j < count; j++) mag[j] = magnitudeOf(channels[0]![j]!, channels[1]![j]!, channels[2]![j]!);
      channels.push(mag);
    }
    segments.push({ group: entry.group, key, line: table.lines[entry.rows[0]!]!, channels, labels });
  }
  const channelNames = options.magnitude ? [...options.channels, 'mag'] : [...options.channels];
  return { file: options.file, channelNames, scales, segments };
}

export interface SeriesWindow {
  group: string;
  segment: string;
  start: number;
  label: string;
  /** One view per channel into the segment's arrays (length = window). */
  channels: Float64Array[];
}

/** Cuts windows of `window` samples every `hop` samples inside each segment. */
export function cutWindows(data: SeriesData, window: number, hop: number, mode: WindowLabel): SeriesWindow[] {
  if (!(window >= 2 && hop >= 1)) throw new SpruceError('E_USAGE', `bad window ${window} / hop ${hop}`, { hint: 'use --window ≥ 2 and --hop ≥ 1', exit: 'USAGE' });
  const windows: SeriesWindow[] = [];
  let longest: Segment | undefined;
  for (const segment of data.segments) {
    const length = segment.labels.length;
    if (!longest || length > longest.labels.length) longest = segment;
    for (let start = 0; start + window <= length; start += hop) {
      const label = windowLabel(segment.labels, start, window, mode);
      if (label === undefined) continue;
      windows.push({ group: segment.group, segment: segment.key, start, label, channels: segment.channels.map((c) => c.subarray(start, start + window)) });
    }
  }
  if (windows.length === 0) {
    const longestText = longest ? `the longest segment (${longest.key || 'whole file'}, from line ${longest.line}) has ${longest.labels.length} samples` : 'no segment has samples';
    throw badData(data.file, longest?.line ?? 1, undefined, `no window of ${window} samples fits: ${longestText}${mode === 'pure' ? ' or every window mixes labels' : ''}`, 'use a shorter --window, a lower --hop, or check --segment');
  }
  return windows;
}

function windowLabel(labels: string[], start: number, window: number, mode: WindowLabel): string | undefined {
  if (mode === 'center') return labels[start + (window >> 1)];
  if (mode === 'last') return labels[start + window - 1];
  const counts = new Map<string, number>();
  for (let i = start; i < start + window; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  if (mode === 'pure') return counts.size === 1 ? labels[start] : undefined;
  let best: string | undefined;
  let bestCount = -1;
  // Ties go to the label seen first in the window (deterministic).
  for (const [label, count] of counts) if (count > bestCount) { best = label; bestCount = count; }
  return best;
}

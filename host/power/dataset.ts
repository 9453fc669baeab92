/**
 * One day of the occupancy dataset (shared/datasets/occupancy, CC BY 4.0: Candanedo & Feldheim,
 * Energy and Buildings 112 (2016) 28-39), in the units the firmware's sensors produce:
 * t centi-degC, h centi-%RH, l lux, c ppm (integers), one row a minute.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpruceError } from '../errors.ts';
import { datasetsDir } from '../paths.ts';

export interface OccupancyRow {
  /** Minutes since the day's midnight. */
  minute: number;
  t: number;
  h: number;
  l: number;
  c: number;
  /** Ground truth: 1 occupied, 0 empty. */
  occ: number;
}

export const DEFAULT_DAY = { file: 'occupancy_test1.csv', date: '2015-02-03' };

/** The rows of `date` (YYYY-MM-DD), sorted, one per minute (a missing minute repeats the previous row). */
export function loadOccupancyDay(file = DEFAULT_DAY.file, date = DEFAULT_DAY.date): OccupancyRow[] {
  const path = join(datasetsDir(), 'occupancy', file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SpruceError('E_DATASET_MISSING', `cannot read ${path}`, { hint: 'set SPRUCE_DATASETS to the folder holding occupancy/', exit: 'BAD_INPUT' });
  }
  const byMinute = new Map<number, OccupancyRow>();
  for (const line of text.split('\n').slice(1)) {
    if (!line.startsWith(date)) continue;
    const [ts, t, h, l, c, , occ] = line.split(',');
    // Timestamps drift by a second or so ("14:19:59"): round to the nearest minute.
    const seconds = Number(ts.slice(11, 13)) * 3600 + Number(ts.slice(14, 16)) * 60 + Number(ts.slice(17, 19));
    const minute = Math.min(1439, Math.round(seconds / 60));
    byMinute.set(minute, {
      minute,
      t: Math.floor(Number(t) * 100),
      h: Math.floor(Number(h) * 100),
      l: Math.floor(Number(l)),
      c: Math.floor(Number(c)),
      occ: Number(occ),
    });
  }
  if (byMinute.size < 1200) {
    throw new SpruceError('E_DATASET_DAY', `${file} has only ${byMinute.size} readings on ${date}`, { hint: 'pick a date the file covers completely', exit: 'BAD_INPUT' });
  }
  const rows: OccupancyRow[] = [];
  let last: OccupancyRow | undefined;
  for (let m = 0; m < 1440; m++) {
    const row = byMinute.get(m) ?? (last ? { ...last, minute: m } : [...byMinute.values()][0]);
    rows.push({ ...row, minute: m });
    last = row;
  }
  return rows;
}

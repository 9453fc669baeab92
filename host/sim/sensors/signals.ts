/**
 * Physical signals the emulated sensors measure: a SignalSource maps virtual time (ms since the
 * simulation started) to named values. Sources replay the project's datasets or follow simple
 * synthetic models. Channel names (units in the name): temperature_c, humidity_pct, light_lux,
 * co2_ppm, ax_mg/ay_mg/az_mg (milli-g), gx_dps/gy_dps/gz_dps; ADC pins read `volts`.
 */
import { readFileSync } from 'node:fs';
import { SpruceError } from '../../errors.ts';
import { seededRandom } from '../../random.ts';

export type Signals = Partial<Record<string, number>>;
export type SignalSource = (tMs: number) => Signals;

/** Merges sources: later ones win for the channels they define. */
export function combineSources(...sources: SignalSource[]): SignalSource {
  return (tMs) => Object.assign({}, ...sources.map((s) => s(tMs))) as Signals;
}

function readCsv(path: string, what: string): { header: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SpruceError('E_SIM_DATA', `cannot read ${what} ${path}: ${(error as Error).message}`, {
      hint: 'pass an existing CSV with --data (datasets live in ../shared/datasets or $SPRUCE_DATASETS)',
      exit: 'BAD_INPUT',
    });
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').trim().split(',');
  return { header, rows: lines.map((line) => line.trim().split(',')) };
}

/** Virtual time folded into one pass of a replay `durationMs` long: replays loop, and so do negative times. */
function loopTime(tMs: number, durationMs: number): number {
  return ((tMs % durationMs) + durationMs) % durationMs;
}

/** The index of the last sample taken at or before `t` (binary search; `times` ascending from 0). */
function sampleAt(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid; else hi = mid - 1;
  }
  return lo;
}

function column(header: string[], name: string, path: string): number {
  const index = header.indexOf(name);
  if (index === -1) {
    throw new SpruceError('E_SIM_DATA', `${path} has no column "${name}" (columns: ${header.join(', ')})`, {
      hint: 'use a CSV in the dataset\'s format (see its README)',
      exit: 'BAD_INPUT',
    });
  }
  return index;
}

export interface OccupancyReplay {
  source: SignalSource;
  /** Rows read, their time span, and the ground-truth label at a time (for checking classifiers). */
  rows: number;
  durationMs: number;
  occupancyAt(tMs: number): number | undefined;
}

/**
 * Replays an occupancy CSV (one row a minute): at virtual time t the sensors see the row in force
 * at the file's first timestamp + t. Past the end the file loops, so long simulations keep data.
 */
export function occupancyReplay(path: string): OccupancyReplay {
  const { header, rows } = readCsv(path, 'occupancy CSV');
  const cTime = column(header, 'timestamp', path);
  const channels = ['temperature_c', 'humidity_pct', 'light_lux', 'co2_ppm'].map((name) => [name, column(header, name, path)] as const);
  const cOcc = header.indexOf('occupancy');
  if (rows.length === 0) throw new SpruceError('E_SIM_DATA', `${path} has no data rows`, { exit: 'BAD_INPUT' });
  const t0 = Date.parse(`${rows[0]![cTime]}Z`);
  const times = rows.map((row) => Date.parse(`${row[cTime]}Z`) - t0);
  if (times.some((t) => Number.isNaN(t))) throw new SpruceError('E_SIM_DATA', `${path}: a timestamp is not ISO`, { exit: 'BAD_INPUT' });
  const values = rows.map((row) => channels.map(([, index]) => Number(row[index])));
  const step = times.length > 1 ? times[times.length - 1]! / (times.length - 1) : 60_000;
  const durationMs = times[times.length - 1]! + step;
  const indexAt = (tMs: number): number => sampleAt(times, loopTime(tMs, durationMs));
  return {
    rows: rows.length,
    durationMs,
    source(tMs) {
      const row = values[indexAt(tMs)]!;
      const out: Signals = {};
      channels.forEach(([name], i) => { out[name] = row[i]!; });
      return out;
    },
    occupancyAt(tMs) {
      return cOcc === -1 ? undefined : Number(rows[indexAt(tMs)]![cOcc]);
    },
  };
}

export interface HarReplayOptions {
  subject?: string;
  execution?: number;
}

export interface HarReplay {
  source: SignalSource;
  samples: number;
  durationMs: number;
  activityAt(tMs: number): string | undefined;
}

/**
 * Replays wrist accelerometer data (har-wrist sw_acc.csv: milli-g at about 100 Hz), optionally
 * one subject/execution. Executions are laid end to end and loop; between samples the value is
 * interpolated linearly, so any sensor sample rate can read it.
 */
export function harReplay(path: string, options: HarReplayOptions = {}): HarReplay {
  const { header, rows } = readCsv(path, 'accelerometer CSV');
  const cs = column(header, 'subject', path);
  const ce = column(header, 'execution', path);
  const ct = column(header, 't_ms', path);
  const ca = column(header, 'activity', path);
  const axes = ['ax_mg', 'ay_mg', 'az_mg'].map((name) => column(header, name, path));
  const times: number[] = [];
  const data: number[][] = [];
  const labels: string[] = [];
  let base = 0; // where the current execution starts on the replay's time axis
  let first = 0; // t_ms of the current execution's first sample
  let lastKey = '';
  for (const row of rows) {
    if (options.subject !== undefined && row[cs] !== options.subject) continue;
    if (options.execution !== undefined && Number(row[ce]) !== options.execution) continue;
    const key = `${row[cs]}/${row[ce]}`;
    const t = Number(row[ct]);
    if (key !== lastKey) {
      base = times.length > 0 ? times[times.length - 1]! + 10 : 0; // next execution 10 ms later
      first = t;
      lastKey = key;
    }
    times.push(base + (t - first));
    data.push(axes.map((index) => Number(row[index])));
    labels.push(row[ca]!);
  }
  if (times.length === 0) {
    throw new SpruceError('E_SIM_DATA', `${path} has no rows for subject ${options.subject ?? '*'} execution ${options.execution ?? '*'}`, {
      hint: 'check the subject (s01..s23) and execution numbers in executions.csv',
      exit: 'BAD_INPUT',
    });
  }
  const durationMs = times[times.length - 1]! + 10;
  return {
    samples: times.length,
    durationMs,
    source(tMs) {
      const t = loopTime(tMs, durationMs);
      const i = sampleAt(times, t);
      const j = Math.min(i + 1, times.length - 1);
      const span = times[j]! - times[i]!;
      const f = span > 0 ? Math.min(1, (t - times[i]!) / span) : 0;
      const a = data[i]!;
      const b = data[j]!;
      return { ax_mg: a[0]! + (b[0]! - a[0]!) * f, ay_mg: a[1]! + (b[1]! - a[1]!) * f, az_mg: a[2]! + (b[2]! - a[2]!) * f };
    },
    activityAt(tMs) {
      return labels[sampleAt(times, loopTime(tMs, durationMs))];
    },
  };
}

/**
 * A synthetic office: occupied 08:00-18:00 on weekdays (t = 0 is a Monday midnight). When
 * occupied, lights are on (~450 lux), CO2 climbs toward ~950 ppm and the room warms; when empty
 * CO2 decays to ~420 ppm. Small deterministic noise from `seed`.
 */
export function officeDay(seed = 1): SignalSource {
  const noise = (tMs: number, channel: number): number => seededRandom(Math.floor(tMs / 60_000) * 7 + channel + seed * 1_000_003)() - 0.5;
  return (tMs) => {
    const day = Math.floor(tMs / 86_400_000);
    const hour = (tMs % 86_400_000) / 3_600_000;
    const weekday = day % 7 < 5;
    const occupied = weekday && hour >= 8 && hour < 18;
    const sinceStart = occupied ? hour - 8 : hour >= 18 ? hour - 18 : hour + 6;
    const co2 = occupied ? 950 - 530 * Math.exp(-sinceStart / 1.5) : 420 + 530 * Math.exp(-sinceStart / 2) * (weekday || day % 7 === 5 ? 1 : 0);
    return {
      temperature_c: 20.5 + (occupied ? 2 * (1 - Math.exp(-sinceStart)) : 0) + 0.1 * noise(tMs, 1),
      humidity_pct: 30 + (occupied ? 3 : 0) + 0.5 * noise(tMs, 2),
      light_lux: occupied ? 450 + 20 * noise(tMs, 3) : hour > 7 && hour < 17 ? 40 : 0,
      co2_ppm: co2 + 5 * noise(tMs, 4),
      occupied: occupied ? 1 : 0,
    };
  };
}

/** A still accelerometer: gravity on Z plus a little sensor noise (milli-g). */
export function accelAtRest(seed = 1): SignalSource {
  return (tMs) => {
    const r = seededRandom(Math.floor(tMs) + seed);
    return { ax_mg: (r() - 0.5) * 8, ay_mg: (r() - 0.5) * 8, az_mg: 1000 + (r() - 0.5) * 8 };
  };
}

/** A wrist while walking: a step rhythm (default 1.8 Hz) on top of gravity. */
export function accelWalking(stepHz = 1.8, amplitudeMg = 350): SignalSource {
  return (tMs) => {
    const phase = 2 * Math.PI * stepHz * (tMs / 1000);
    return {
      ax_mg: amplitudeMg * Math.sin(phase),
      ay_mg: 0.4 * amplitudeMg * Math.sin(2 * phase + 0.5),
      az_mg: 1000 + 0.6 * amplitudeMg * Math.cos(phase),
    };
  };
}

/** A constant set of values (tests). */
export function constantSource(values: Signals): SignalSource {
  return () => ({ ...values });
}

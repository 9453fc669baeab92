/**
 * One wake of the occupancy node, as a pure function (DESIGN.md principle 5: deep sleep is a
 * reboot, so everything that must survive is in `Persisted`, saved explicitly by the caller):
 *
 *   step(persisted, input, config, classify) -> { persisted', frames, sleepMs }
 *
 * Frames (payload `d`: integers in scaled units):
 *   t  status, on a boot that is not a timer wake (power-on, reset, pin) or when state was lost:
 *      { cause, flags (E.getErrorFlags() joined by commas, "" when none), free, used, total
 *      (JsVars), drops, torn }
 *   e  one per sensor fault: { code }
 *   c  class change, at once: { from (-1 = unknown), to, score, t, h, l, c, dc }
 *   s  summary every config.summaryEvery wakes: { n, t, h, l, c (means of valid readings, null if none),
 *      occ (wakes classified occupied), drops, torn (outbox counters, cumulative) }
 */
import type { StepConfig } from './config';
import type { Classifier, Readings } from './occupancy';
import { F_C, F_L, MISSING, nextHistory, occupancyFeatures } from './occupancy';
import type { Kind } from './wire';

export var STATE_VERSION = 1;
/** ESP32.getWakeupCause() for a timer wake. */
export var WAKE_TIMER = 4;

export interface Persisted {
  v: number;
  /** CO2 history for the slope feature, oldest first. */
  co2: number[];
  /** Last label (-1 before the first classification). */
  label: number;
  /** Summary accumulators: wakes, sums and counts of valid readings [t, h, l, c], occupied wakes. */
  n: number;
  sum: number[];
  cnt: number[];
  occ: number;
  /** Outbox counters, cumulative: frames dropped because the outbox was full, torn records erased. */
  drops: number;
  torn: number;
}

export interface WakeStatus {
  /** ESP32.getWakeupCause(). */
  cause: number;
  /** E.getErrorFlags(). */
  flags: string[];
  /** process.memory() in JsVars. */
  free: number;
  used: number;
  total: number;
}

export interface StepInput {
  readings: Readings;
  status: WakeStatus;
}

export interface OutFrame {
  k: Kind;
  d: { [key: string]: number | string | null };
}

export interface StepResult {
  persisted: Persisted;
  frames: OutFrame[];
  sleepMs: number;
}

export function initialState(): Persisted {
  return { v: STATE_VERSION, co2: [], label: -1, n: 0, sum: [0, 0, 0, 0], cnt: [0, 0, 0, 0], occ: 0, drops: 0, torn: 0 };
}

/** A loaded value of another state version is treated as lost (a new firmware starts afresh). */
export function isPersisted(value: unknown): boolean {
  // Any JSON value but null and undefined has properties to read (a number's `v` is undefined).
  return value != null && (value as Persisted).v === STATE_VERSION;
}

export function step(previous: Persisted | null, input: StepInput, config: StepConfig, classify: Classifier): StepResult {
  var old = previous || initialState();
  // The next state starts as a deep copy (the caller's object is left alone) and is updated in place.
  var state: Persisted = JSON.parse(JSON.stringify(old));
  var r = input.readings;
  var status = input.status;
  var frames: OutFrame[] = [];

  if (!previous || status.cause !== WAKE_TIMER || status.flags.length) {
    frames.push({
      k: 't',
      d: {
        cause: status.cause, flags: status.flags.join(','), free: status.free,
        used: status.used, total: status.total, drops: old.drops, torn: old.torn,
      },
    });
  }
  for (var i = 0; i < r.faults.length; i++) frames.push({ k: 'e', d: { code: r.faults[i] } });

  var features = occupancyFeatures(old.co2, r, config.slopeWindow);
  if (features[F_L] !== MISSING || features[F_C] !== MISSING) {
    var result = classify(features);
    state.label = result.label;
    if (result.label !== old.label) {
      frames.push({
        k: 'c',
        d: { from: old.label, to: result.label, score: result.score, t: features[0], h: features[1], l: features[2], c: features[3], dc: features[4] },
      });
    }
  }
  state.co2 = nextHistory(state.co2, r.c, config.slopeWindow);

  // Summary accumulators [t, h, l, c], and their means: floor(sum / count), null without valid readings.
  var values = [r.t, r.h, r.l, r.c];
  var mean: (number | null)[] = [];
  for (var j = 0; j < 4; j++) {
    var value = values[j];
    if (value !== null) {
      state.sum[j] += value;
      state.cnt[j]++;
    }
    mean[j] = state.cnt[j] > 0 ? Math.floor(state.sum[j] / state.cnt[j]) : null;
  }
  state.n++;
  if (state.label === 1) state.occ++;
  if (state.n >= config.summaryEvery) {
    frames.push({
      k: 's',
      d: { n: state.n, t: mean[0], h: mean[1], l: mean[2], c: mean[3], occ: state.occ, drops: old.drops, torn: old.torn },
    });
    state.n = state.occ = 0;
    state.sum = [0, 0, 0, 0];
    state.cnt = [0, 0, 0, 0];
  }

  return { persisted: state, frames: frames, sleepMs: config.periodMs };
}

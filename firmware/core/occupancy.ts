/**
 * Occupancy features: the seam between the sensors and the classifier
 * (firmware/apps/occupancy/classifier.ts; the models helper trains on the same function).
 *
 * Feature vector, integers, in this order (FEATURE_NAMES):
 *   t   temperature, centi-degrees C
 *   h   relative humidity, centi-percent
 *   l   light, lux                                   (-1 when the light sensor failed)
 *   c   CO2, ppm                                     (-1 when the CO2 sensor failed)
 *   dc  CO2 change over the slope window, ppm per `window` readings:
 *       floor((c - oldest) * window / span), span = readings between them; 0 with no history
 *       or no CO2. Math.floor is exact on both host and device (unlike Math.round of negatives).
 */

export var FEATURE_NAMES = ['t', 'h', 'l', 'c', 'dc'];
export var F_T = 0;
export var F_H = 1;
export var F_L = 2;
export var F_C = 3;
export var F_DC = 4;
export var MISSING = -1;

/** One wake's sensor values, integers in scaled units; null = the sensor failed. */
export interface Readings {
  t: number | null;
  h: number | null;
  c: number | null;
  l: number | null;
  /** Fault codes from the drivers (e.g. "scd41_crc", "bh1750_nak"). */
  faults: string[];
}

export interface Classification {
  /** 1 occupied, 0 empty. */
  label: number;
  /** Confidence in the label, 0..100. */
  score: number;
}

export type Classifier = (features: number[]) => Classification;

/** `history` holds previous CO2 readings, oldest first. */
export function occupancyFeatures(history: number[], readings: Readings, window: number): number[] {
  var c = readings.c;
  var span = history.length;
  var dc = c !== null && span > 0 ? Math.floor(((c - history[0]) * window) / span) : 0;
  return [
    readings.t === null ? 0 : readings.t,
    readings.h === null ? 0 : readings.h,
    readings.l === null ? MISSING : readings.l,
    c === null ? MISSING : c,
    dc,
  ];
}

/** The CO2 history after this wake: the valid reading appended, at most `window` kept. */
export function nextHistory(history: number[], co2: number | null, window: number): number[] {
  if (co2 === null) return history;
  var out = history.slice(history.length >= window ? history.length - window + 1 : 0);
  out.push(co2);
  return out;
}

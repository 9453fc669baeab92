/**
 * Features for slow sensors (environment readings taken once a minute): over a short history
 * of integer readings per channel, the latest value, the mean and the slope. Same code on host
 * and device; the work per channel is three native calls.
 *
 *   last    x[N−1]                                   channel units
 *   mean    floor(S / N)
 *   slope   floor(change over the window by a least-squares line)
 *           = floor((N − 1) · 2·Σ r_i x_i / Σ r_i²) with r_i = 2i − (N − 1)
 */
import type { Natives } from './natives';

export interface SlowSpec {
  /** Channel names, e.g. ["temp_cC", "co2_ppm"]. */
  channels: string[];
  /** Readings per history window (2..64). */
  window: number;
}

export var SLOW_STATS = ['last', 'mean', 'slope'];

export function slowFeatureNames(spec: SlowSpec): string[] {
  var names: string[] = [];
  for (var c = 0; c < spec.channels.length; c++) {
    for (var s = 0; s < SLOW_STATS.length; s++) names.push(spec.channels[c] + '.' + SLOW_STATS[s]);
  }
  return names;
}

export function checkSlowSpec(spec: SlowSpec): string {
  if (!(spec.window >= 2 && spec.window <= 64)) return 'slow window must hold 2..64 readings, not ' + spec.window;
  return '';
}

export interface SlowExtractor {
  names: string[];
  /** Fills `out` from one history (oldest first, length spec.window) per channel. */
  compute(histories: ArrayLike<number>[], out: Int32Array): void;
}

export function createSlowExtractor(natives: Natives, spec: SlowSpec): SlowExtractor {
  var n = spec.window;
  // The centred ramp r_i = 2i − (N − 1): integers, so Σ r_i x_i is exact.
  var ramp = new Float64Array(n);
  for (var i = 0; i < n; i++) ramp[i] = 2 * i - (n - 1);
  var rampSquares = natives.convolve(ramp, ramp, 0);
  return {
    names: slowFeatureNames(spec),
    compute: function (histories: ArrayLike<number>[], out: Int32Array): void {
      for (var c = 0; c < spec.channels.length; c++) {
        var x = histories[c];
        var o = c * SLOW_STATS.length;
        out[o] = x[n - 1];
        out[o + 1] = Math.floor(natives.sum(x) / n);
        out[o + 2] = Math.floor(((n - 1) * 2 * natives.convolve(ramp, x, 0)) / rampSquares);
      }
    },
  };
}

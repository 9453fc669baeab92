/**
 * Window features for fast sensors (accelerometers): one implementation for host training and
 * the device. Every hot step is one of Espruino's native helpers, never a per-sample JS loop.
 *
 * Integer semantics, defined once: a window holds integer samples (e.g. milli-g) and every
 * feature is an integer (Math.floor of a double computed in the same order on both targets):
 *   mean    floor(S / N)                     channel units
 *   var     floor(Σ(x − S/N)² / N)           units²
 *   min/max/ptp                              units
 *   energy  floor(Σx² / N)                   units²
 *   cross   number of mean crossings (sign changes of x − S/N inside the window)
 *   bandK   floor(16 · Σ_{k in band} |X_k|²) with X = FFT(x) / N (E.FFT's forward scaling)
 *   corr    floor(1000 · Pearson correlation) of two channels
 * The magnitude is not computed here: the sampler stores it as a channel (magnitudeOf), because
 * it needs the three axes of each sample, which it already holds one at a time.
 *
 * Device rules (ESPRUINO.md): ES5 only, no Map/Set/regex, buffers preallocated once.
 */
import type { Natives } from './natives';

export interface SeriesSpec {
  /** Channel names in buffer order, e.g. ["ax", "ay", "az", "mag"]. */
  channels: string[];
  /** Samples per window: a power of two from 8 to 256 (E.FFT pads other lengths). */
  window: number;
  /** FFT bands as flattened [firstBin, endBin) pairs over bins 1..window/2. */
  bands: number[];
  /** Channel index pairs (flattened) whose correlation is a feature. */
  correlations: number[];
}

/** Per-channel statistics, in output order (bands follow). */
export var CHANNEL_STATS = ['mean', 'var', 'min', 'max', 'ptp', 'energy', 'cross'];

/** |a| of a 3-axis sample as an integer, the same on host and device (sqrt is correctly rounded). */
export function magnitudeOf(x: number, y: number, z: number): number {
  return Math.floor(Math.sqrt(x * x + y * y + z * z));
}

/** Names of every feature the spec produces, in output order. */
export function seriesFeatureNames(spec: SeriesSpec): string[] {
  var names: string[] = [];
  for (var c = 0; c < spec.channels.length; c++) {
    for (var s = 0; s < CHANNEL_STATS.length; s++) names.push(spec.channels[c] + '.' + CHANNEL_STATS[s]);
    for (var b = 0; b < spec.bands.length / 2; b++) names.push(spec.channels[c] + '.band' + b);
  }
  for (var p = 0; p < spec.correlations.length; p += 2) {
    names.push('corr.' + spec.channels[spec.correlations[p]] + '.' + spec.channels[spec.correlations[p + 1]]);
  }
  return names;
}

/** Checks a spec; returns an error text or '' (device code reports values, never throws). */
export function checkSeriesSpec(spec: SeriesSpec): string {
  var n = spec.window;
  if (!(n >= 8 && n <= 256) || (n & (n - 1)) !== 0) return 'window must be a power of two from 8 to 256, not ' + n;
  if (spec.bands.length % 2 !== 0) return 'bands must be [first, end) pairs';
  for (var b = 0; b < spec.bands.length; b += 2) {
    if (!(spec.bands[b] >= 1 && spec.bands[b] < spec.bands[b + 1] && spec.bands[b + 1] <= n / 2 + 1)) {
      return 'band ' + b / 2 + ' [' + spec.bands[b] + ', ' + spec.bands[b + 1] + ') is outside bins 1..' + n / 2;
    }
  }
  for (var p = 0; p < spec.correlations.length; p++) {
    if (!(spec.correlations[p] >= 0 && spec.correlations[p] < spec.channels.length)) return 'correlation channel ' + spec.correlations[p] + ' does not exist';
  }
  return '';
}

export interface SeriesExtractor {
  names: string[];
  /**
   * Fills `out` (length names.length) from one window per channel (each of length spec.window).
   * An extractor made with `needed` computes only those entries (the rest keep their old values)
   * unless `all` is true.
   */
  compute(windows: ArrayLike<number>[], out: Int32Array, all?: boolean): void;
}

/** A 0/1 step map for E.mapInPlace: 0 stays 0, 1..255 become 1 (built once, at start-up). */
function stepMap(): Uint8Array {
  var map = new Uint8Array(256);
  for (var i = 1; i < 256; i++) map[i] = 1;
  return map;
}

/**
 * `needed` (optional): indices of the features a model uses. The device then skips the work for
 * the others (inverse FFT and crossings, unused bands, energies and correlations); the values it
 * does compute are the same numbers, from the same operations, as a full computation.
 */
export function createSeriesExtractor(natives: Natives, spec: SeriesSpec, needed?: number[]): SeriesExtractor {
  var n = spec.window;
  var re = new Float64Array(n);
  var im = new Float64Array(n);
  var zeros = new Float64Array(n);
  var truncated = new Int32Array(n);
  var clamped = new Uint8ClampedArray(n);
  var signs = new Uint8Array(n);
  var step = stepMap();
  var means = new Float64Array(spec.channels.length);
  var variances = new Float64Array(spec.channels.length);
  // Adding this to bin 0 before the inverse FFT shifts x − mean so that "above the mean" is
  // exactly "≥ 1 after truncation", with a margin of 1/(2N) from any integer (float32 safety).
  var crossingOffset = 1 - 1 / (2 * n);
  var bandCount = spec.bands.length / 2;
  var perChannel = CHANNEL_STATS.length + bandCount;
  // Subset mode (`needed` given): wanted[i] !== 0 when feature i is computed, spectral[c] !== 0
  // when channel c needs its FFT (a band or its crossings). Worked out once, here.
  var wanted = new Uint8Array(spec.channels.length * perChannel + spec.correlations.length / 2);
  var spectral = new Uint8Array(spec.channels.length);
  if (needed) {
    for (var w = 0; w < needed.length; w++) {
      wanted[needed[w]] = 1;
      var within = needed[w] % perChannel;
      if (needed[w] < spectral.length * perChannel && within >= CHANNEL_STATS.length - 1) spectral[(needed[w] - within) / perChannel] = 1;
    }
  }
  var everything = true;
  function want(i: number): boolean {
    return everything || wanted[i] !== 0;
  }

  function channelFeatures(x: ArrayLike<number>, c: number, out: Int32Array): void {
    var o = c * perChannel;
    var total = natives.sum(x);
    var mean = total / n;
    var sq = natives.variance(x, mean);
    var lo: number = Math.min.apply(null, x as any);
    var hi: number = Math.max.apply(null, x as any);
    means[c] = mean;
    variances[c] = sq;
    out[o] = Math.floor(mean);
    out[o + 1] = Math.floor(sq / n);
    out[o + 2] = lo;
    out[o + 3] = hi;
    out[o + 4] = hi - lo;
    if (want(o + 5)) out[o + 5] = Math.floor(natives.convolve(x, x, 0) / n);
    if (!everything && spectral[c] === 0) return;
    // Spectrum: forward FFT (divided by N).
    re.set(x as any);
    im.set(zeros);
    natives.FFT(re, im);
    for (var b = 0; b < bandCount; b++) {
      if (!want(o + CHANNEL_STATS.length + b)) continue;
      var r = re.subarray(spec.bands[2 * b], spec.bands[2 * b + 1]);
      var i = im.subarray(spec.bands[2 * b], spec.bands[2 * b + 1]);
      out[o + CHANNEL_STATS.length + b] = Math.floor(16 * (natives.convolve(r, r, 0) + natives.convolve(i, i, 0)));
    }
    // Mean crossings: remove the mean in the frequency domain, invert, then turn "above the
    // mean" into 0/1 with typed-array stores (truncate, clamp) and a step map.
    if (!want(o + 6)) return;
    re[0] = crossingOffset;
    im[0] = 0;
    natives.FFT(re, im, true);
    truncated.set(re);
    clamped.set(truncated);
    natives.mapInPlace(clamped, signs, step);
    var ones = natives.sum(signs);
    var circular = 2 * (ones - natives.convolve(signs, signs, 1));
    out[o + 6] = circular - (signs[0] !== signs[n - 1] ? 1 : 0);
  }

  return {
    names: seriesFeatureNames(spec),
    compute: function (windows: ArrayLike<number>[], out: Int32Array, all?: boolean): void {
      everything = !needed || all === true;
      for (var c = 0; c < spec.channels.length; c++) channelFeatures(windows[c], c, out);
      var o = spec.channels.length * perChannel;
      for (var p = 0; p < spec.correlations.length; p += 2) {
        if (!want(o + p / 2)) continue;
        var a = spec.correlations[p];
        var b = spec.correlations[p + 1];
        var denominator = Math.sqrt(variances[a] * variances[b]);
        var cov = natives.convolve(windows[a], windows[b], 0) - n * means[a] * means[b];
        out[o + p / 2] = denominator > 0 ? Math.floor((1000 * cov) / denominator) : 0;
      }
    },
  };
}

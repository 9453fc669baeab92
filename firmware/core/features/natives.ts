/**
 * The Espruino native helpers that feature extraction and LUT inference are built from.
 *
 * firmware/core is pure (no globals), so these arrive as a parameter: on the device the hal
 * passes Espruino's own `E`; on the host, training and golden tests pass `hostNatives` from
 * host/espruino/natives.ts, which reproduces the measured semantics exactly. One code path,
 * two targets: the numbers cannot drift between training and the board.
 */
export interface Natives {
  /** Plain double sum. */
  sum(arr: ArrayLike<number>): number;
  /** The SUM of squared deviations from `mean` (not divided by the length). */
  variance(arr: ArrayLike<number>, mean: number): number;
  /** Σ a[i] * b[(i + offset) % b.length] over i < a.length. */
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  /** to[i] = map[from[i]] (0 when outside the map). */
  mapInPlace(from: any, to: any, map: any): void;
  /** In place; the forward transform is divided by N, the inverse is not; float32 inside. */
  FFT(re: ArrayLike<number>, im: ArrayLike<number>, inverse?: boolean): void;
}

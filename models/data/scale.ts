/**
 * Integer semantics for data: the device computes on integers in scaled units (mg, centi-°C,
 * ppm), so every float column is turned into integers with a power-of-ten factor that the model
 * metadata records and the firmware applies to its readings.
 */

/** Smallest 10^k (k ≤ 6) that makes every value an integer, else the largest that keeps |x·10^k| ≤ 1e7. */
export function chooseScale(values: ArrayLike<number>): number {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  for (let k = 0; k <= 6; k++) {
    const factor = 10 ** k;
    if (maxAbs * factor > 1e7) return k === 0 ? 1 : 10 ** (k - 1);
    let integral = true;
    for (let i = 0; i < values.length && integral; i++) {
      const scaled = values[i]! * factor;
      if (Math.abs(scaled - Math.round(scaled)) > 1e-6) integral = false;
    }
    if (integral) return factor;
  }
  return 1e6;
}

/** value · factor rounded half away from zero (host side only). */
export function toScaledInt(value: number, factor: number): number {
  const scaled = value * factor;
  return scaled < 0 ? -Math.floor(-scaled + 0.5) : Math.floor(scaled + 0.5);
}

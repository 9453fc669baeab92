/**
 * Espruino's native helpers (E.sum, E.variance, E.convolve, E.mapInPlace, E.FFT, E.toUint8Array)
 * and its Math.round, reimplemented in JS with the semantics MEASURED on the interpreter
 * (../shared/ESPRUINO.md section 1) and read from Espruino's source (jswrap_espruino.c, 2v29).
 *
 * Two users: the virtual board installs them as `E.*` in its sandbox, and host-side training
 * (models/) calls `hostNatives` so features computed on the host match the device bit for bit.
 *
 * Values may come from another vm realm (the sandbox), so type checks use Array.isArray,
 * ArrayBuffer.isView and Object.prototype.toString, never `instanceof`; objects we create are
 * made with the caller's realm constructors (see createNatives).
 */

/** Anything Espruino iterates as numbers: arrays, typed arrays, strings (char codes). */
export type NumericIterable = ArrayLike<number> | string;
/** A typed array (any realm). */
export type TypedArrayLike = { length: number; [index: number]: number; buffer: ArrayBufferLike };

export interface EspruinoNatives {
  sum(arr: NumericIterable): number;
  variance(arr: NumericIterable, mean: number): number;
  convolve(a: NumericIterable, b: NumericIterable, offset: number): number;
  mapInPlace(from: TypedArrayLike | ArrayBuffer, to: TypedArrayLike | ArrayBuffer, map?: ArrayLike<number> | ((value: number, index: number) => number), bits?: number): void;
  FFT(re: ArrayLike<number>, im?: ArrayLike<number>, inverse?: boolean): void;
  toUint8Array(...args: unknown[]): Uint8Array;
}

/** The constructors objects created by the natives must come from (the sandbox's realm). */
export interface Realm {
  Uint8Array: Uint8ArrayConstructor;
}

/** An Espruino-style error: the interpreter raises a plain Error with this message. */
function nativeError(message: string): Error {
  return new Error(message);
}

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function isIterable(value: unknown): value is NumericIterable {
  return typeof value === 'string' || Array.isArray(value) || ArrayBuffer.isView(value) || tagOf(value) === 'ArrayBuffer';
}

/** Espruino's jsvGetFloat of an element: numbers as is, numeric-looking values converted, others NaN. */
function floatOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return NaN;
  if (value === null) return 0;
  return Number(value);
}

/** Reads element i as a float, the way Espruino's iterators do (strings give char codes). */
function elementAt(arr: NumericIterable, i: number): number {
  return typeof arr === 'string' ? arr.charCodeAt(i) & 0xff : floatOf((arr as ArrayLike<unknown>)[i]);
}

function asView(value: unknown): TypedArrayLike | undefined {
  if (ArrayBuffer.isView(value) && tagOf(value) !== 'DataView') return value as unknown as TypedArrayLike;
  // A bare ArrayBuffer is an array buffer of bytes to Espruino.
  if (tagOf(value) === 'ArrayBuffer') return new Uint8Array(value as ArrayBuffer) as unknown as TypedArrayLike;
  return undefined;
}

/** Bytes per element of a typed array (any realm). */
function elementBits(view: TypedArrayLike): number {
  return 8 * ((view as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT ?? 1);
}

/**
 * Stores a number into element i the way Espruino does: integer arrays truncate and wrap (JS
 * does the same), but Uint8ClampedArray truncates BEFORE clamping (1.5 → 1; JS would give 2).
 */
export function storeElement(target: ArrayLike<number>, i: number, value: number): void {
  const writable = target as { [index: number]: number };
  if (tagOf(target) === 'Uint8ClampedArray') {
    const t = Number.isNaN(value) ? 0 : Math.trunc(value);
    writable[i] = t < 0 ? 0 : t > 255 ? 255 : t;
  } else {
    writable[i] = value;
  }
}

/** E.sum: a plain double sum (no typed-array overflow). */
export function sum(arr: NumericIterable): number {
  if (!isIterable(arr)) throw nativeError(`Expecting first argument to be an array, not ${typeof arr}`);
  const data = typeof arr === 'string' ? arr : (asView(arr) ?? arr);
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    // JSIF_DEFINED_ARRAY_ELEMENTS: holes in a plain array are skipped, not NaN.
    if (Array.isArray(data) && !(i in data)) continue;
    total += elementAt(data, i);
  }
  return total;
}

/** E.variance: the SUM of squared deviations from `mean` (not divided by the length). */
export function variance(arr: NumericIterable, mean: number): number {
  if (!isIterable(arr)) throw nativeError(`Expecting first argument to be iterable, not ${typeof arr}`);
  const data = typeof arr === 'string' ? arr : (asView(arr) ?? arr);
  const m = floatOf(mean);
  let total = 0;
  for (let i = 0; i < data.length; i++) {
    const d = elementAt(data, i) - m;
    total += d * d;
  }
  return total;
}

/** E.convolve: Σ a[i] * b[(i + offset) mod b.length] over i < a.length (a circular dot product). */
export function convolve(a: NumericIterable, b: NumericIterable, offset: number): number {
  if (!isIterable(a) || !isIterable(b)) throw nativeError('Expecting first 2 arguments to be iterable');
  const left = typeof a === 'string' ? a : (asView(a) ?? a);
  const right = typeof b === 'string' ? b : (asView(b) ?? b);
  const l = right.length;
  if (l === 0) return left.length === 0 ? 0 : NaN;
  // offset is an int32 parameter; a negative offset counts back from the end.
  let j = (offset | 0) % l;
  if (j < 0) j += l;
  let total = 0;
  for (let i = 0; i < left.length; i++) {
    total += elementAt(left, i) * elementAt(right, j);
    j++;
    if (j >= l) j = 0;
  }
  return total;
}

/**
 * E.mapInPlace(from, to, map, bits): to[i] = map[from[i]]. `from` and `to` must be array
 * buffers. Elements of `from` are read as integers and masked to the element width (so an
 * Int8Array value −1 looks up index 255); an index outside an array map stores undefined
 * (0 in an integer array); a function map is called as map(value, index); `map` undefined
 * copies straight through. `bits` unpacks sub-element fields (MSB first; negative = LSB first).
 */
export function mapInPlace(
  from: TypedArrayLike | ArrayBuffer,
  to: TypedArrayLike | ArrayBuffer,
  map?: ArrayLike<number> | ((value: number, index: number) => number),
  bits?: number,
): void {
  const src = asView(from);
  const dst = asView(to);
  if (!src || !dst) throw nativeError('First 2 arguments should be array buffers');
  const isFn = typeof map === 'function';
  const mapView = map !== undefined && !isFn && !Array.isArray(map) ? asView(map) : undefined;
  if (map !== undefined && map !== null && !isFn && !Array.isArray(map) && !mapView) {
    throw nativeError('Third argument should be a function or array');
  }
  const bitsFrom = elementBits(src);
  let width = bits === undefined || Number.isNaN(bits) ? 0 : bits | 0;
  const msbFirst = width >= 0;
  if (width < 0) width = -width;
  if (width === 0) width = bitsFrom;
  const mask = width >= 32 ? -1 : (1 << width) - 1;

  let srcIndex = 0;
  let dstIndex = 0;
  let acc = 0; // bit accumulator (JsVarInt: 32-bit)
  let have = 0;
  const readInt = (k: number): number => {
    const v = src[k];
    return Number.isNaN(v) ? 0 : Math.trunc(v) | 0;
  };
  while ((srcIndex < src.length || have >= width) && dstIndex < dst.length) {
    const elementIndex = srcIndex;
    while (have < width) {
      // Like the C code, the element is OR-ed in unmasked (a negative value sets the high bits).
      if (msbFirst) acc = bitsFrom >= 32 ? readInt(srcIndex) : ((acc << bitsFrom) | readInt(srcIndex)) | 0;
      else acc = (acc | (readInt(srcIndex) << have)) | 0;
      srcIndex++;
      have += bitsFrom;
    }
    let value: number;
    if (msbFirst) {
      value = width >= 32 ? acc : (acc >> (have - width)) & mask;
    } else {
      value = acc & mask;
      acc = width >= 32 ? 0 : acc >> width;
    }
    have -= width;

    if (map === undefined || map === null) {
      storeElement(dst, dstIndex, value);
    } else if (isFn) {
      storeElement(dst, dstIndex, floatOf((map as (v: number, i: number) => number)(value, elementIndex)));
    } else {
      const table = (mapView ?? map) as ArrayLike<unknown>;
      storeElement(dst, dstIndex, value >= 0 && value < table.length ? floatOf(table[value]) : (undefined as unknown as number));
    }
    dstIndex++;
  }
}

const f32 = Math.fround;

/**
 * The radix-2 complex FFT Espruino uses (Paul Bourke's in-place algorithm), computed in 32-bit
 * floats like the ESP32 build (FFTDATATYPE float): every operation's result is rounded to
 * float32 with Math.fround. Forward (dir 1) divides by n; inverse is not normalised.
 * (A compiler that fuses multiply-adds on the device could differ in the last float bit.)
 */
function bourkeFFT(dir: 1 | -1, order: number, x: Float64Array, y: Float64Array): void {
  const n = 1 << order;
  // Bit reversal.
  const half = n >> 1;
  let j = 0;
  for (let i = 0; i < n - 1; i++) {
    if (i < j) {
      const tx = x[i]!; const ty = y[i]!;
      x[i] = x[j]!; y[i] = y[j]!;
      x[j] = tx; y[j] = ty;
    }
    let k = half;
    while (k <= j) { j -= k; k >>= 1; }
    j += k;
  }
  // Butterflies, with the twiddle factor advanced by recurrence (as the device does).
  let c1 = -1;
  let c2 = 0;
  let l2 = 1;
  for (let l = 0; l < order; l++) {
    const l1 = l2;
    l2 <<= 1;
    let u1 = 1;
    let u2 = 0;
    for (let jj = 0; jj < l1; jj++) {
      for (let i = jj; i < n; i += l2) {
        const i1 = i + l1;
        const t1 = f32(f32(u1 * x[i1]!) - f32(u2 * y[i1]!));
        const t2 = f32(f32(u1 * y[i1]!) + f32(u2 * x[i1]!));
        x[i1] = f32(x[i]! - t1);
        y[i1] = f32(y[i]! - t2);
        x[i] = f32(x[i]! + t1);
        y[i] = f32(y[i]! + t2);
      }
      const z = f32(f32(u1 * c1) - f32(u2 * c2));
      u2 = f32(f32(u1 * c2) + f32(u2 * c1));
      u1 = z;
    }
    // (1.0 - c1) / 2.0 is computed in double, then the square root is stored as a float.
    c2 = f32(Math.sqrt((1 - c1) / 2));
    if (dir === 1) c2 = -c2;
    c1 = f32(Math.sqrt((1 + c1) / 2));
  }
  if (dir === 1) {
    for (let i = 0; i < n; i++) {
      x[i] = f32(x[i]! / n);
      y[i] = f32(y[i]! / n);
    }
  }
}

/**
 * E.FFT(re, im?, inverse?): in place. The length is padded with zeros to a power of two
 * internally, but only the arrays' own elements are written back. Results go through normal
 * stores, so an integer typed array TRUNCATES them. Without `im`, `re` receives the modulus.
 */
export function FFT(re: ArrayLike<number>, im?: ArrayLike<number>, inverse?: boolean): void {
  const hasImag = im !== undefined && im !== null;
  if (!isIterable(re) || (hasImag && !isIterable(im))) {
    throw nativeError('Expecting first 2 arguments to be iterable or undefined');
  }
  const reals = asView(re) ?? re;
  const imags = hasImag ? (asView(im) ?? im) : undefined;
  const l = reals.length;
  let pow2 = 1;
  let order = 0;
  while (pow2 < l) { pow2 <<= 1; order++; }
  const vr = new Float64Array(pow2);
  const vi = new Float64Array(pow2);
  for (let i = 0; i < l; i++) vr[i] = f32(floatOf(reals[i]));
  if (imags) for (let i = 0; i < Math.min(imags.length, pow2); i++) vi[i] = f32(floatOf(imags[i]));
  bourkeFFT(inverse ? -1 : 1, order, vr, vi);
  for (let i = 0; i < Math.min(l, pow2); i++) {
    // The modulus squares and adds in float, then takes a double square root.
    const value = imags ? vr[i]! : Math.sqrt(f32(f32(vr[i]! * vr[i]!) + f32(vi[i]! * vi[i]!)));
    storeElement(reals, i, value);
  }
  if (imags) for (let i = 0; i < Math.min(imags.length, pow2); i++) storeElement(imags, i, vi[i]!);
}

/** Flattens E.toUint8Array's arguments into bytes (numbers, strings, arrays, buffers, {data,count}, {callback}). */
function collectBytes(value: unknown, out: number[]): void {
  if (typeof value === 'number' || typeof value === 'boolean') {
    out.push(Number(value) & 0xff);
  } else if (typeof value === 'string') {
    for (let i = 0; i < value.length; i++) out.push(value.charCodeAt(i) & 0xff);
  } else if (Array.isArray(value)) {
    for (const item of value) collectBytes(item, out);
  } else if (asView(value)) {
    const view = asView(value)!;
    for (let i = 0; i < view.length; i++) out.push(Math.trunc(view[i]!) & 0xff);
  } else if (value && typeof value === 'object') {
    const obj = value as { data?: unknown; count?: unknown; callback?: unknown };
    if (typeof obj.callback === 'function') collectBytes((obj.callback as () => unknown)(), out);
    else if ('data' in obj) for (let n = 0; n < Number(obj.count ?? 1); n++) collectBytes(obj.data, out);
  }
}

/** Espruino's Math.round: halves go away from zero on both sides (round(-2.5) is −3), no −0. */
export function espruinoRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = x < 0 ? -Math.floor(-x + 0.5) : Math.floor(x + 0.5);
  return r === 0 ? 0 : r; // normalise -0: Espruino does not keep it
}

/** Builds the natives for a realm (the sandbox passes its own Uint8Array). */
export function createNatives(realm: Realm): EspruinoNatives {
  return {
    sum,
    variance,
    convolve,
    mapInPlace,
    FFT,
    toUint8Array(...args: unknown[]): Uint8Array {
      const bytes: number[] = [];
      collectBytes(args, bytes);
      return new realm.Uint8Array(bytes);
    },
  };
}

/** The natives for host code (training, golden vectors): same results as the device's E.*. */
export const hostNatives: EspruinoNatives = createNatives({ Uint8Array });

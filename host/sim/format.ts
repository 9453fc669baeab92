/**
 * Prints values the way Espruino's console does: print/console.log show strings raw and other
 * values in Espruino's JSON-like notation (`{ "a": 1 }`, `[ 1, 2 ]`, `new Uint8Array([1, 2])`);
 * the REPL shows a result as `=` + the same notation with strings quoted.
 *
 * Numbers print the device's way (espruinoNumberToString: about 12 significant digits), so what
 * the virtual console shows matches the board; dialect.ts uses the same functions for String(),
 * toString(), toFixed() and JSON.stringify inside firmware. String concatenation ("" + x) still
 * uses JavaScript's, which is one more reason firmware must never depend on number-to-string
 * output (ESPRUINO.md).
 */

const TYPED_NAMES = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
]);

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** ftoa stops printing fractional digits once the remainder is below this. */
const FTOA_STOP_AT_ERROR = 0.0000001;

/**
 * Espruino's ftoa (jsutils.c, radix 10), shared by number-to-string and toFixed. A value within
 * 1e-7 below an integer becomes that integer first; the integer digits are taken by truncation,
 * never rounding. `fractionalDigits` < 0 is number-to-string: at most 11 fractional digits,
 * stopping once the remainder is below 1e-7, and exponent forms for very large and very small
 * values. Otherwise exactly that many digits, each truncated except the last, which rounds up
 * from .6 (ftoa adds 0.4 before truncating it).
 */
function ftoa(n: number, fractionalDigits: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  const shortest = fractionalDigits < 0;
  let out = n < 0 ? '-' : '';
  let val = Math.abs(n);
  let exponent = 0;
  if (shortest && val >= 1e21) {
    while (val > 10) { val /= 10; exponent++; }
  } else if (shortest && val < 1e-6) {
    while (val < 1) { val *= 10; exponent--; }
  }
  if (val < 2 ** 31 && Math.trunc(val + FTOA_STOP_AT_ERROR) === 1 + Math.trunc(val)) val = 1 + Math.trunc(val);
  let d = 1;
  while (d * 10 <= val) d *= 10;
  while (d >= 1) {
    const v = Math.trunc(val / d);
    val -= v * d;
    out += String(v);
    d /= 10;
  }
  const count = shortest ? 11 : fractionalDigits;
  if (shortest ? val > 0 : count > 0) {
    out += '.';
    val *= 10;
    for (let i = 1; i <= count && (!shortest || val > FTOA_STOP_AT_ERROR); i++) {
      let v = Math.trunc(val + (i === fractionalDigits ? 0.4 : 0.00000001));
      val = (val - v) * 10;
      if (v === 10) v = 9;
      out += String(v);
    }
  }
  return exponent === 0 ? out : `${out}e${exponent > 0 ? '+' : ''}${exponent}`;
}

/**
 * Espruino's number-to-string (ftoa with no fixed digit count): integer digits, then at most 11
 * fractional digits, stopping once the remainder is below 1e-7; a value within 1e-7 below an
 * integer prints as that integer. So Math.sqrt(2) prints 1.41421356237 and 123456789.123 prints
 * 123456789.12299999594 (ESPRUINO.md). Exponent forms (1e21 -> "10e+20") follow the measured
 * example; their thresholds for other magnitudes are an approximation.
 */
export function espruinoNumberToString(n: number): string {
  if (n === 0) return '0'; // the device does not keep -0
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 31) return String(n); // a JsVarInt: exact
  return ftoa(n, -1);
}

/**
 * Espruino's Number.prototype.toFixed (the same ftoa with a fixed count of fractional digits):
 * the integer part is truncated, not rounded, so `(2.5).toFixed(0)` is "2" (ESPRUINO.md);
 * fractional digits are truncated too, except the last, which rounds up from .6.
 */
export function espruinoToFixed(n: number, decimals: number): string {
  const digits = Math.trunc(Number(decimals)) || 0;
  return ftoa(n, digits < 0 ? 0 : digits > 20 ? 20 : digits);
}

/** JSON number tokens (and string literals, to skip them) in JSON.stringify's output. */
const JSON_TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * Rewrites the numbers of a JSON text the way Espruino's JSON.stringify prints them (the same
 * ftoa as everywhere: `123456789.123` -> `123456789.12299999594`, `1e21` -> `10e+20`). JavaScript
 * prints the shortest text that reads back as the same double, so each token is re-read exactly.
 * Small integers are identical either way and are left alone.
 */
export function espruinoJsonNumbers(json: string): string {
  return json.replace(JSON_TOKENS, (token) => {
    if (token.charCodeAt(0) === 34 /* " */) return token;
    if (token.length < 10 && !/[.eE]/.test(token)) return token;
    return espruinoNumberToString(Number(token));
  });
}

/** Espruino's notation for any value; `quoteStrings` false prints a top-level string raw. */
export function formatValue(value: unknown, quoteStrings = true, depth = 0, seen: Set<unknown> = new Set()): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteStrings ? JSON.stringify(value) : value;
  if (typeof value === 'number') return espruinoNumberToString(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'function') {
    const text = Function.prototype.toString.call(value);
    return text.includes('[native code]') ? `function () { [native code] }` : text;
  }
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '{ ... }';
  if (depth > 8) return '...';
  seen.add(value);
  try {
    const tag = tagOf(value);
    if (TYPED_NAMES.has(tag)) {
      const items = Array.prototype.map.call(value as ArrayLike<number>, (v: number) => espruinoNumberToString(v)) as string[];
      return `new ${tag}([${items.join(', ')}])`;
    }
    if (tag === 'ArrayBuffer') {
      return `new Uint8Array([${[...new Uint8Array(value as ArrayBuffer)].join(', ')}]).buffer`;
    }
    if (tag === 'Date') return `Date: ${(value as Date).toString()}`;
    if (tag === 'Error') {
      const error = value as Error;
      return `${error.name ?? 'Error'}: ${error.message}`;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return '[ ]';
      const items = value.map((item) => formatValue(item, true, depth + 1, seen));
      return `[ ${items.join(', ')} ]`;
    }
    const keys = Object.keys(value as object);
    if (keys.length === 0) return '{ }';
    const parts = keys.map((key) => `${JSON.stringify(key)}: ${formatValue((value as Record<string, unknown>)[key], true, depth + 1, seen)}`);
    return `{ ${parts.join(', ')} }`;
  } finally {
    seen.delete(value);
  }
}

/** What print(a, b, ...) / console.log(a, b, ...) writes, without the line ending. */
export function formatPrintArgs(args: readonly unknown[]): string {
  return args.map((arg) => formatValue(arg, false)).join(' ');
}

/** How Espruino reports an exception that reached the top level. */
export function formatUncaught(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const e = error as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' && e.name ? e.name : 'Error';
    return `Uncaught ${name}: ${String(e.message)}`;
  }
  return `Uncaught ${formatValue(error)}`;
}

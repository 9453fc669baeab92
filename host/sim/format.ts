/**
 * Prints values the way Espruino's console does: print/console.log show strings raw and other
 * values in Espruino's JSON-like notation (`{ "a": 1 }`, `[ 1, 2 ]`, `new Uint8Array([1, 2])`);
 * the REPL shows a result as `=` + the same notation with strings quoted.
 *
 * Numbers are printed with JavaScript's conversion. The device keeps only about 12 significant
 * digits (ESPRUINO.md), which is why firmware must never depend on number-to-string output.
 */

const TYPED_NAMES = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array',
]);

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '0'; // the device does not keep -0
  return String(n);
}

/** Espruino's notation for any value; `quoteStrings` false prints a top-level string raw. */
export function formatValue(value: unknown, quoteStrings = true, depth = 0, seen: Set<unknown> = new Set()): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return quoteStrings ? JSON.stringify(value) : value;
  if (typeof value === 'number') return formatNumber(value);
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
      const items = Array.prototype.map.call(value as ArrayLike<number>, (v: number) => formatNumber(v)) as string[];
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

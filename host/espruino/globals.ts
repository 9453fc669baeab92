/**
 * The single list of what Espruino (2v29, ESP32 build) has at global scope and what it lacks.
 * The dialect guard rejects bundles that reference anything outside ESPRUINO_GLOBALS, and the
 * virtual board's sandbox exposes these and nothing else, so a missing global fails in both.
 * Source: ../shared/ESPRUINO.md section 1 and Espruino's own reference.
 */

/** Standard JavaScript globals that Espruino has. */
export const LANGUAGE_GLOBALS = [
  'undefined', 'NaN', 'Infinity', 'eval', 'isNaN', 'isFinite', 'parseInt', 'parseFloat',
  'encodeURIComponent', 'decodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Array', 'String', 'Number', 'Boolean', 'Math', 'JSON', 'Date', 'RegExp',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError',
  'Promise',
  'ArrayBuffer', 'ArrayBufferView', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array',
  'arguments', 'global', 'globalThis', 'btoa', 'atob',
] as const;

/** Espruino-specific globals that spruce firmware may use. */
export const DEVICE_GLOBALS = [
  'E', 'ESP32', 'process', 'console', 'print', 'require', 'Modules',
  'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'setWatch', 'clearWatch',
  'getTime', 'setTime', 'reset', 'load', 'save', 'echo', 'dump', 'trace',
  'analogRead', 'analogWrite', 'digitalRead', 'digitalWrite', 'digitalPulse', 'pinMode', 'getPinMode',
  'Pin', 'I2C', 'I2C1', 'I2C2', 'SPI', 'SPI1', 'SPI2', 'Serial', 'Serial1', 'Serial2', 'Serial3', 'OneWire',
  'LoopbackA', 'LoopbackB', 'Telnet',
  'peek8', 'poke8', 'peek16', 'poke16', 'peek32', 'poke32',
  'LED1', 'BTN1', 'HIGH', 'LOW',
] as const;

/** Pin objects D0..D39 exist as globals on ESP32 builds. */
export const PIN_GLOBALS: readonly string[] = Array.from({ length: 40 }, (_, i) => `D${i}`);

export const ESPRUINO_GLOBALS: ReadonlySet<string> = new Set<string>([...LANGUAGE_GLOBALS, ...DEVICE_GLOBALS, ...PIN_GLOBALS]);

/**
 * Globals that Node and browsers have but Espruino does not. Named here so errors can say
 * "Espruino has no Map" instead of a bare "unknown global".
 */
export const MISSING_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'Intl',
  'FinalizationRegistry', 'SharedArrayBuffer', 'Atomics', 'AggregateError', 'queueMicrotask',
  'structuredClone', 'TextEncoder', 'TextDecoder', 'URL', 'URLSearchParams', 'Buffer', 'setImmediate',
  'window', 'self', 'document', 'module', 'exports', '__dirname', '__filename', 'fetch',
] as const;

/**
 * Members of standard objects that Espruino lacks at run time (ESPRUINO.md "Missing at run time").
 * Keyed by the object they hang off; "prototype" entries are instance methods.
 */
export const MISSING_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Array: ['from', 'of'],
  'Array.prototype': ['lastIndexOf', 'flat', 'flatMap', 'at', 'findLast', 'findLastIndex', 'toSorted', 'toReversed'],
  Math: ['imul', 'fround', 'clz32', 'trunc', 'sign', 'cbrt', 'hypot', 'log2', 'log10', 'expm1', 'log1p'],
  Number: ['isInteger', 'isSafeInteger', 'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'],
  Object: ['freeze', 'is', 'isFrozen', 'seal', 'isSealed', 'fromEntries', 'getOwnPropertySymbols'],
  'ArrayBuffer.prototype': ['slice'],
  Date: ['UTC'],
  Promise: ['race', 'allSettled', 'any'],
  'Promise.prototype': ['finally'],
};

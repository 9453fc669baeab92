/**
 * Prototype shims put at the very top of every bundle.
 *
 * On Espruino, built-in methods of arrays, strings and functions are found through the
 * INSTANCE's type, not stored on the prototype objects: `Array.prototype.slice` reads as
 * undefined while `[].slice` works (ESPRUINO.md section 1). TypeScript's ES5 helpers
 * (`__spreadArray`, rest parameters) read `Array.prototype.slice`, so the bundle copies the
 * working method onto the prototype before any helper runs. Only the shim that was verified on
 * the interpreter is applied; every other prototype read is a dialect-guard violation with a fix.
 */

export interface PrototypeShim {
  /** What the bundle may then read, e.g. `Array.prototype.slice`. */
  path: string;
  /** The statement that makes it work (no trailing newline). */
  statement: string;
}

export const PROTOTYPE_SHIMS: readonly PrototypeShim[] = [
  { path: 'Array.prototype.slice', statement: 'Array.prototype.slice=[].slice;' },
];

/**
 * The prologue the final pass prepends: the shims for the paths the bundle reads (`readPaths`,
 * e.g. "Array.prototype.slice"), or every shim when not given. A bundle that never reads a
 * shimmed path does not pay its bytes; the guard accepts a shimmed path only when its shim is
 * actually in the bundle's prologue.
 */
export function shimPrologue(readPaths?: ReadonlySet<string>): string {
  return PROTOTYPE_SHIMS.filter((shim) => !readPaths || readPaths.has(shim.path)).map((shim) => shim.statement).join('');
}

/** `code` without the shim statements it starts with (in prologue order). */
export function withoutPrologue(code: string): string {
  let rest = code;
  for (const shim of PROTOTYPE_SHIMS) if (rest.startsWith(shim.statement)) rest = rest.slice(shim.statement.length);
  return rest;
}

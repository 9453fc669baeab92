/**
 * process.memory() on the virtual board: an ESTIMATE of Espruino's variable ("JsVar") use, so a
 * bundle that would not fit on the ESP32 fails in simulation too. The estimate:
 *
 *   usage = reserved (the board's reservedJsVars, ~47 after reset())
 *         + 0.1 × bytes of code run (ESPRUINO.md: code costs about 0.1 variable per byte; code run
 *           from a Storage file costs about half that, so this errs on the safe side)
 *         + live data reachable from globals the firmware created, counted the way Espruino
 *           stores it: 1 var per object/array/function, 1 per property or element (a small number
 *           lives inside its name var), strings 1 + ceil(length / 12), typed arrays 2 + their
 *           bytes / 12 (a flat string), functions 3 (their code is counted above).
 */

const STRING_CHARS_PER_VAR = 12;
const MAX_VISITED = 200_000;

function tagOf(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

function stringVars(s: string): number {
  return 1 + Math.ceil(s.length / STRING_CHARS_PER_VAR);
}

/** Vars used by a value held in a property (not counting the property's name var). */
export function estimateValueVars(value: unknown, visited: Set<unknown>): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 0;
  if (typeof value === 'number') return 0; // packed into the name var
  if (typeof value === 'string') return stringVars(value);
  if (typeof value !== 'object' && typeof value !== 'function') return 1;
  if (visited.has(value) || visited.size > MAX_VISITED) return 0; // shared: counted once
  visited.add(value);
  if (typeof value === 'function') {
    let vars = 3;
    for (const key of Object.keys(value)) vars += 1 + estimateValueVars((value as unknown as Record<string, unknown>)[key], visited);
    return vars;
  }
  if (ArrayBuffer.isView(value)) return 2 + Math.ceil((value as ArrayBufferView).byteLength / STRING_CHARS_PER_VAR);
  if (tagOf(value) === 'ArrayBuffer') return 1 + Math.ceil((value as ArrayBuffer).byteLength / STRING_CHARS_PER_VAR);
  let vars = 1;
  if (Array.isArray(value)) {
    for (const item of value) vars += 1 + estimateValueVars(item, visited);
    return vars;
  }
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return vars;
  }
  for (const key of keys) {
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    vars += 1 + (key.length > 10 ? Math.ceil((key.length - 10) / STRING_CHARS_PER_VAR) : 0) + estimateValueVars(item, visited);
  }
  return vars;
}

/** Live vars of the globals not present when the context was created. */
export function estimateGlobalVars(global: Record<string, unknown>, builtinNames: ReadonlySet<string>): number {
  const visited = new Set<unknown>();
  let vars = 0;
  for (const key of Object.keys(global)) {
    if (builtinNames.has(key)) continue;
    let value: unknown;
    try {
      value = global[key];
    } catch {
      continue;
    }
    vars += 1 + estimateValueVars(value, visited);
  }
  return vars;
}

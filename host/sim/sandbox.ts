/**
 * A fresh vm context whose globals are Espruino's and nothing of Node's.
 *
 * A vm context starts with V8's own built-ins (Map, Set, Symbol, Reflect, WebAssembly, ...).
 * The prelude below, compiled once and run in every new context, removes every global that is
 * not in ESPRUINO_GLOBALS and every member in MISSING_MEMBERS and makes Date follow the board's
 * virtual clock. Before it, dialect.ts reproduces the number traps that can be reproduced
 * faithfully (Math.round of negative halves, number-to-string, toFixed, Number(" 12 "),
 * Uint8ClampedArray's truncating stores). Device globals (print, E, ESP32, Storage, ...) are
 * installed afterwards by host/sim/device.
 *
 * The context runs with microtaskMode 'afterEvaluate': promise jobs queued by firmware run at the
 * end of each evaluation (boot code, a timer callback, a REPL line), as on the device where they
 * run before the idle loop, and never leak into the host's own queue.
 */
import vm from 'node:vm';
import { ESPRUINO_GLOBALS, MISSING_MEMBERS } from '../espruino/globals.ts';
import { installDialectTraps } from './dialect.ts';

/** The context's own constructors and helpers, captured before firmware can touch them. */
export interface Realm {
  global: Record<string, unknown>;
  Object: ObjectConstructor;
  Array: ArrayConstructor;
  Error: ErrorConstructor;
  TypeError: TypeErrorConstructor;
  Uint8Array: Uint8ArrayConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  JSON: JSON;
  Promise: PromiseConstructor;
  /** Calls fn(...args) inside the context so its promise jobs run before returning. */
  invoke(fn: unknown, args: unknown[], timeoutMs: number): unknown;
  /** Evaluates source text at global scope (like a REPL line or a boot file). */
  evaluate(code: string | vm.Script, filename: string, timeoutMs: number): unknown;
  /** Copies plain data (JSON-able) into the context's realm. */
  toRealm<T>(value: T): T;
  /** Builds an array of the context's realm. */
  array<T>(items: readonly T[]): T[];
}

export interface SandboxHooks {
  /** Virtual wall-clock time for Date, in ms. */
  nowMs(): number;
}

const INVOKE_KEY = '\u0000spruceInvoke';

/**
 * Runs inside the new context. Written as plain modern JS because it is ours, not firmware.
 * It returns the invoke helper so the host can call firmware functions with microtask draining.
 */
const PRELUDE_SOURCE = `(function (allowed, missingMembers, hooks, invokeKey) {
  var g = globalThis;
  var RealDate = g.Date;
  var construct = Reflect.construct;
  var defineProperty = Object.defineProperty;
  var getOwnPropertyNames = Object.getOwnPropertyNames;

  // Date follows the board's clock (getTime() * 1000), so simulated days have simulated dates.
  function Date() {
    if (!new.target) return new RealDate(hooks.nowMs()).toString();
    var args = Array.prototype.slice.call(arguments);
    if (args.length === 0) args = [hooks.nowMs()];
    return construct(RealDate, args, new.target);
  }
  Date.prototype = RealDate.prototype;
  defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true });
  Date.now = function now() { return hooks.nowMs(); };
  Date.parse = RealDate.parse;
  g.Date = Date;

  // Espruino globals V8 does not have.
  function InternalError(message) {
    var e = new Error(message);
    Object.setPrototypeOf(e, InternalError.prototype);
    return e;
  }
  InternalError.prototype = Object.create(Error.prototype);
  InternalError.prototype.name = 'InternalError';
  InternalError.prototype.constructor = InternalError;
  g.InternalError = InternalError;
  g.ArrayBufferView = Object.getPrototypeOf(Uint8Array);
  g.global = g;

  function invoke() {
    var call = invoke.pending;
    invoke.pending = undefined;
    return call.fn.apply(undefined, call.args);
  }
  defineProperty(g, invokeKey, { value: invoke, enumerable: false, configurable: false, writable: false });

  // Members Espruino lacks.
  for (var owner in missingMembers) {
    var path = owner.split('.');
    var target = g[path[0]];
    for (var i = 1; i < path.length && target; i++) target = target[path[i]];
    if (!target) continue;
    var names = missingMembers[owner];
    var stuck = false;
    for (var j = 0; j < names.length; j++) {
      delete target[names[j]];
      if (names[j] in target) stuck = true;
    }
    // Some members cannot be deleted (Number.EPSILON is non-configurable): replace the global
    // constructor with a wrapper that behaves the same but lacks them.
    if (stuck && path.length === 1) g[owner] = wrapConstructor(target, names);
  }
  function wrapConstructor(Real, missing) {
    function Wrapped() {
      if (new.target) return construct(Real, Array.prototype.slice.call(arguments), new.target);
      return Real.apply(undefined, arguments);
    }
    var skip = { length: 1, name: 1, prototype: 1, arguments: 1, caller: 1 };
    for (var m = 0; m < missing.length; m++) skip[missing[m]] = 1;
    var statics = getOwnPropertyNames(Real);
    for (var s = 0; s < statics.length; s++) {
      if (!skip[statics[s]]) defineProperty(Wrapped, statics[s], Object.getOwnPropertyDescriptor(Real, statics[s]));
    }
    Wrapped.prototype = Real.prototype;
    defineProperty(Real.prototype, 'constructor', { value: Wrapped, writable: true, configurable: true });
    return Wrapped;
  }
  // Globals Espruino lacks: everything not on the allowed list goes.
  var keep = {};
  for (var k = 0; k < allowed.length; k++) keep[allowed[k]] = true;
  var own = getOwnPropertyNames(g);
  for (var n = 0; n < own.length; n++) {
    if (!keep[own[n]] && own[n] !== invokeKey) delete g[own[n]];
  }
  return invoke;
})`;

const preludeScript = new vm.Script(PRELUDE_SOURCE, { filename: 'spruce-sim-prelude.js' });
const captureScript = new vm.Script('({ Object, Array, Error, TypeError, Uint8Array, ArrayBuffer, JSON, Promise })', { filename: 'spruce-sim-capture.js' });
const invokeScript = new vm.Script(`globalThis[${JSON.stringify(INVOKE_KEY)}]()`, { filename: 'spruce-sim-invoke.js' });
const ALLOWED = [...ESPRUINO_GLOBALS];
const MISSING = JSON.parse(JSON.stringify(MISSING_MEMBERS)) as Record<string, string[]>;

/** Compiled boot files, keyed by their source text, so a wake does not recompile the bundle. */
const scriptCache = new Map<string, vm.Script>();
const SCRIPT_CACHE_LIMIT = 16;

export function compileCached(code: string, filename: string): vm.Script {
  const key = `${filename}\u0000${code}`;
  let script = scriptCache.get(key);
  if (!script) {
    script = new vm.Script(code, { filename });
    if (scriptCache.size >= SCRIPT_CACHE_LIMIT) scriptCache.delete(scriptCache.keys().next().value!);
    scriptCache.set(key, script);
  }
  return script;
}

export function createSandbox(hooks: SandboxHooks, name = 'spruce virtual board'): { context: vm.Context; realm: Realm } {
  const context = vm.createContext({}, { name, microtaskMode: 'afterEvaluate', codeGeneration: { strings: true, wasm: false } });
  // Capture the realm's constructors BEFORE the prelude deletes anything we rely on.
  const captured = captureScript.runInContext(context) as Omit<Realm, 'global' | 'invoke' | 'evaluate' | 'toRealm' | 'array'>;
  installDialectTraps(context);
  const setup = preludeScript.runInContext(context) as (allowed: string[], missing: Record<string, string[]>, h: SandboxHooks, key: string) => { pending?: { fn: unknown; args: unknown[] } };
  const invokeFn = setup(ALLOWED, MISSING, hooks, INVOKE_KEY);
  const global = context as Record<string, unknown>;
  const realm: Realm = {
    ...captured,
    global,
    invoke(fn, args, timeoutMs) {
      invokeFn.pending = { fn, args };
      return invokeScript.runInContext(context, timeoutMs > 0 ? { timeout: timeoutMs } : undefined);
    },
    evaluate(code, filename, timeoutMs) {
      const script = typeof code === 'string' ? new vm.Script(code, { filename }) : code;
      return script.runInContext(context, timeoutMs > 0 ? { timeout: timeoutMs } : undefined);
    },
    toRealm<T>(value: T): T {
      if (value === undefined || value === null || typeof value !== 'object') return value;
      return captured.JSON.parse(JSON.stringify(value)) as T;
    },
    array<T>(items: readonly T[]): T[] {
      const out = new captured.Array() as T[];
      for (const item of items) out.push(item);
      return out;
    },
  };
  return { context, realm };
}

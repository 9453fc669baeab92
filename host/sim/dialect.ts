/**
 * The silent number traps of Espruino's dialect (ESPRUINO.md section 1, "Numbers"), reproduced
 * inside the virtual board's sandbox so firmware that depends on them misbehaves on the laptop
 * as it would on the board. Only what can be reproduced faithfully by replacing a built-in of
 * the sandbox realm is done here:
 *
 *   Math.round           negative halves round away from zero (Math.round(-2.5) is -3)
 *   Number(" 12 ")       NaN: no whitespace trimming
 *   String(x), x.toString(), JSON.stringify
 *                        numbers print with Espruino's ftoa (about 12 significant digits,
 *                        123456789.123 -> "123456789.12299999594", 1e21 -> "10e+20")
 *   x.toFixed(n)         Espruino's ftoa with n digits: (2.5).toFixed(0) is "2"
 *   JSON.stringify's replacer and JSON.parse's reviver are ignored
 *   Uint8ClampedArray    truncates before clamping (1.5 is stored as 1) when filled from values:
 *                        the constructor, .set() and .fill()
 *
 * What cannot be reproduced without slowing every line of firmware (V8 does these inside the
 * engine, where nothing can intercept them) is listed in host/sim/README.md ("Known differences"):
 * string concatenation of numbers ("" + x, template literals, [].join), `-0` in arithmetic, and
 * indexed stores into a Uint8ClampedArray (`c[i] = 1.5`). The dialect guard (host/build/guard)
 * and the firmware brief cover those instead.
 */
import vm from 'node:vm';
import { espruinoJsonNumbers, espruinoNumberToString, espruinoToFixed } from './format.ts';

/** Host functions the sandbox's replacements call (strings and numbers cross realms as they are). */
export interface DialectTraps {
  numberToString(n: number): string;
  toFixed(n: number, decimals: number): string;
  jsonNumbers(json: string): string;
}

const DIALECT_TRAPS: DialectTraps = {
  numberToString: espruinoNumberToString,
  toFixed: espruinoToFixed,
  jsonNumbers: espruinoJsonNumbers,
};

/**
 * Runs inside each new context BEFORE the globals clean-up (it still has Reflect), so the
 * clean-up then removes what Espruino lacks from the replacements too. Plain JS: it is ours.
 */
const DIALECT_SOURCE = `(function (traps) {
  var g = globalThis;
  var construct = Reflect.construct;
  var defineProperty = Object.defineProperty;
  var getOwnPropertyNames = Object.getOwnPropertyNames;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  var floor = Math.floor;
  var tagOf = Function.prototype.call.bind(Object.prototype.toString);
  var slice = Function.prototype.call.bind(Array.prototype.slice);

  // A replacement constructor: calls go to call(), new goes to the real one with converted
  // arguments; statics are copied (configurable, so the clean-up can still delete the missing
  // ones), prototype and constructor are shared so instanceof and .constructor still agree.
  function replaceConstructor(Real, call, convertArgs) {
    function Replacement() {
      if (new.target) return construct(Real, convertArgs ? convertArgs(slice(arguments)) : slice(arguments), new.target);
      return call.apply(undefined, arguments);
    }
    Object.setPrototypeOf(Replacement, Object.getPrototypeOf(Real));
    var statics = getOwnPropertyNames(Real);
    for (var i = 0; i < statics.length; i++) {
      var name = statics[i];
      if (name === 'length' || name === 'name' || name === 'arguments' || name === 'caller') continue;
      var d = getOwnPropertyDescriptor(Real, name);
      if (name !== 'prototype') d.configurable = true;
      defineProperty(Replacement, name, d);
    }
    defineProperty(Real.prototype, 'constructor', { value: Replacement, writable: true, configurable: true });
    return Replacement;
  }

  // Math.round: negative halves away from zero; never -0.
  Math.round = function round(x) {
    x = +x;
    if (x !== x || x === Infinity || x === -Infinity) return x;
    var r = x < 0 ? -floor(-x + 0.5) : floor(x + 0.5);
    return r === 0 ? 0 : r;
  };

  // Number(): no whitespace trimming (Number(" 12 ") is NaN).
  var RealNumber = g.Number;
  function toNumber(v) {
    if (typeof v === 'string' && v.length > 0) {
      var first = v.charCodeAt(0), last = v.charCodeAt(v.length - 1);
      if (isSpace(first) || isSpace(last)) return NaN;
    }
    return RealNumber(v);
  }
  function isSpace(c) {
    return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0xfeff || c === 0x2028 || c === 0x2029;
  }
  g.Number = replaceConstructor(RealNumber, function Number(v) {
    return arguments.length === 0 ? 0 : toNumber(v);
  }, function (args) {
    if (args.length > 0) args[0] = toNumber(args[0]);
    return args;
  });

  // Numbers to text: Espruino's ftoa.
  var numberProto = RealNumber.prototype;
  var valueOf = Function.prototype.call.bind(numberProto.valueOf);
  var realToString = numberProto.toString;
  defineProperty(numberProto, 'toString', { writable: true, configurable: true, value: function toString(radix) {
    var n = typeof this === 'number' ? this : valueOf(this);
    if (radix === undefined || radix === 10) return traps.numberToString(n);
    return realToString.call(n, radix);
  } });
  defineProperty(numberProto, 'toFixed', { writable: true, configurable: true, value: function toFixed(digits) {
    return traps.toFixed(typeof this === 'number' ? this : valueOf(this), digits);
  } });
  var RealString = g.String;
  g.String = replaceConstructor(RealString, function String(v) {
    if (arguments.length === 0) return '';
    return typeof v === 'number' ? traps.numberToString(v) : RealString(v);
  }, function (args) {
    if (typeof args[0] === 'number') args[0] = traps.numberToString(args[0]);
    return args;
  });
  var realStringify = JSON.stringify;
  var realParse = JSON.parse;
  defineProperty(JSON, 'stringify', { writable: true, configurable: true, value: function stringify(value, _replacer, space) {
    var text = realStringify(value, undefined, space);
    return typeof text === 'string' ? traps.jsonNumbers(text) : text;
  } });
  defineProperty(JSON, 'parse', { writable: true, configurable: true, value: function parse(text) {
    return realParse(text);
  } });

  // Uint8ClampedArray: truncate, then clamp (1.5 -> 1, 255.9 -> 255, -3 -> 0, NaN -> 0).
  var RealClamped = g.Uint8ClampedArray;
  var nativeSet = RealClamped.prototype.set;
  var nativeFill = RealClamped.prototype.fill;
  function clampStore(v) {
    v = +v;
    if (!(v > 0)) return 0;
    return v >= 255 ? 255 : floor(v);
  }
  // Integer typed arrays (and buffers) hold integers: the native conversion is already exact.
  function needsTruncation(source) {
    if (source === null || typeof source !== 'object') return false;
    var tag = tagOf(source);
    return tag === '[object Float32Array]' || tag === '[object Float64Array]' || !ArrayBuffer.isView(source) && tag !== '[object ArrayBuffer]';
  }
  function truncated(source) {
    var n = source.length >>> 0;
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = clampStore(source[i]);
    return out;
  }
  g.Uint8ClampedArray = replaceConstructor(RealClamped, function Uint8ClampedArray() {
    throw new TypeError("Constructor Uint8ClampedArray requires 'new'");
  }, function (args) {
    if (needsTruncation(args[0])) args[0] = truncated(args[0]);
    return args;
  });
  defineProperty(RealClamped.prototype, 'set', { writable: true, configurable: true, value: function set(source, offset) {
    return nativeSet.call(this, needsTruncation(source) ? truncated(source) : source, offset);
  } });
  defineProperty(RealClamped.prototype, 'fill', { writable: true, configurable: true, value: function fill(value, start, end) {
    return nativeFill.call(this, clampStore(value), start, end);
  } });
})`;

const dialectScript = new vm.Script(DIALECT_SOURCE, { filename: 'spruce-sim-dialect.js' });

/** Installs the traps in a fresh context (call before the globals clean-up). */
export function installDialectTraps(context: vm.Context): void {
  (dialectScript.runInContext(context) as (traps: DialectTraps) => void)(DIALECT_TRAPS);
}

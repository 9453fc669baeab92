/**
 * The fast path of envelope parsing: one pass over a frame's JSON, in place (no slice of the JSON,
 * no parsed objects), that yields the envelope fields and the payload `d` as JSON text.
 *
 * Why: profiling the bridge showed JSON.parse of the envelope, its checks and JSON.stringify of `d`
 * (for the WAL and the published payload) costing more per message than the HMAC. Devices write
 * compact JSON (firmware/core/wire.ts), and for compact JSON the text of `d` IS what
 * JSON.stringify(JSON.parse(d)) gives back, so it can be taken as a substring.
 *
 * The scanner accepts only the "canonical" subset for which that holds: no whitespace; strings of
 * printable ASCII without escapes; integers without sign tricks (no -0), fraction or exponent and
 * short enough to be exact; object keys that are not array indices (V8 would reorder those), not
 * `__proto__`, and unique per object. Anything else returns false and the caller takes the general
 * path (JSON.parse + parseEnvelope's checks): so the fast path can only ever accept a subset of
 * what the general path accepts, with identical fields (a property test in envelope-scan.test.ts
 * holds the two equal on random and mutated envelopes).
 */
import { KIND_NAMES } from '../../firmware/core/wire.ts';

/** What a scan yields; one object reused for every frame. */
export interface ScannedEnvelope {
  dev: string;
  boot: number;
  seq: number;
  k: string;
  /** The payload `d` as JSON: exactly JSON.stringify(JSON.parse(json).d). */
  dJson: string;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** Digits above this many may not survive a round trip through a double exactly. */
const MAX_DIGITS = 15;
/** Deeper than this is not a telemetry payload: let the general path judge it. */
const MAX_DEPTH = 16;
/** Keys per object checked for duplicates (pairwise); more than this goes the general path. */
const MAX_KEYS = 32;

/** Bits for the envelope keys seen so far. */
const DEV = 1;
const BOOT = 2;
const SEQ = 4;
const KIND = 8;
const DATA = 16;
const ALL = DEV | BOOT | SEQ | KIND | DATA;

/** Device id characters (keys.ts DEVICE_ID: [A-Za-z0-9_-]{1,32}). */
function isIdChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= ZERO && c <= NINE) || c === 95 || c === MINUS;
}

/**
 * One pass over text[start, end). Reuses module-level scratch (single-threaded, no re-entry):
 * the key positions of the objects being scanned, for the duplicate check.
 */
const keyStarts = new Int32Array(MAX_KEYS * MAX_DEPTH);
const keyEnds = new Int32Array(MAX_KEYS * MAX_DEPTH);

class Scanner {
  text = '';
  at = 0;
  end = 0;

  /** A canonical string; returns the index after its closing quote, or -1. */
  string(): number {
    const text = this.text;
    let i = this.at;
    if (i >= this.end || text.charCodeAt(i) !== QUOTE) return -1;
    i++;
    for (; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) return i + 1;
      if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
    }
    return -1;
  }

  /** A canonical integer; returns its value, or -1 for anything else (NaN is never produced). */
  private counter(): number {
    const text = this.text;
    let i = this.at;
    let value = 0;
    const first = i;
    for (; i < this.end; i++) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
    }
    const digits = i - first;
    if (digits === 0 || digits > MAX_DIGITS) return -1;
    if (digits > 1 && text.charCodeAt(first) === ZERO) return -1;
    this.at = i;
    return value;
  }

  /** Any canonical value; true when it was one (this.at then points past it). */
  value(depth: number): boolean {
    if (this.at >= this.end) return false;
    const c = this.text.charCodeAt(this.at);
    if (c === OPEN_BRACE) return this.object(depth + 1);
    if (c === OPEN_BRACKET) return this.array(depth + 1);
    if (c === QUOTE) {
      const next = this.string();
      if (next < 0) return false;
      this.at = next;
      return true;
    }
    if (c === MINUS) {
      this.at++;
      // "-0" would come back as "0".
      if (this.at < this.end && this.text.charCodeAt(this.at) === ZERO) return false;
      return this.number();
    }
    if (c >= ZERO && c <= NINE) return this.number();
    return this.literal('true') || this.literal('false') || this.literal('null');
  }

  /** A canonical integer not followed by a fraction or exponent; its value, or -1. */
  integer(): number {
    const value = this.counter();
    if (value < 0) return -1;
    // A fraction or exponent may not print back the same ("1.0" → "1"): general path.
    if (this.at < this.end) {
      const c = this.text.charCodeAt(this.at);
      if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */) return -1;
    }
    return value;
  }

  private number(): boolean {
    return this.integer() >= 0;
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.at) || this.at + word.length > this.end) return false;
    this.at += word.length;
    return true;
  }

  private array(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    this.at++;
    if (this.at < this.end && this.text.charCodeAt(this.at) === CLOSE_BRACKET) {
      this.at++;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      if (this.at >= this.end) return false;
      const c = this.text.charCodeAt(this.at++);
      if (c === CLOSE_BRACKET) return true;
      if (c !== COMMA) return false;
    }
  }

  /** An object (this.at on its '{'). */
  object(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    this.at++;
    if (this.at < this.end && this.text.charCodeAt(this.at) === CLOSE_BRACE) {
      this.at++;
      return true;
    }
    const base = (depth - 1) * MAX_KEYS;
    let keys = 0;
    for (;;) {
      const keyStart = this.at + 1;
      const next = this.string();
      if (next < 0) return false;
      const keyEnd = next - 1;
      if (!this.plainKey(keyStart, keyEnd, base, keys)) return false;
      keyStarts[base + keys] = keyStart;
      keyEnds[base + keys] = keyEnd;
      keys++;
      this.at = next;
      if (this.at >= this.end || this.text.charCodeAt(this.at) !== COLON) return false;
      this.at++;
      if (!this.value(depth)) return false;
      if (this.at >= this.end) return false;
      const c = this.text.charCodeAt(this.at++);
      if (c === CLOSE_BRACE) return true;
      if (c !== COMMA) return false;
    }
  }

  /** A key that JSON.stringify prints back in place: no index-like key, no __proto__, no repeat. */
  private plainKey(start: number, end: number, base: number, count: number): boolean {
    if (count >= MAX_KEYS) return false;
    const text = this.text;
    if (end > start) {
      const first = text.charCodeAt(start);
      if (first >= ZERO && first <= NINE) return false;
    }
    if (end - start === 9 && text.startsWith('__proto__', start)) return false;
    const length = end - start;
    for (let k = 0; k < count; k++) {
      const otherStart = keyStarts[base + k]!;
      if (keyEnds[base + k]! - otherStart !== length) continue;
      let same = true;
      for (let j = 0; j < length; j++) {
        if (text.charCodeAt(start + j) !== text.charCodeAt(otherStart + j)) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    return true;
  }
}

const scanner = new Scanner();

/** Which envelope key text[start, end) is (0 for any other key). */
function envelopeKey(text: string, start: number, end: number): number {
  const length = end - start;
  const c = text.charCodeAt(start);
  if (length === 1) return c === 100 /* d */ ? DATA : c === 107 /* k */ ? KIND : 0;
  if (length === 3) {
    if (text.startsWith('dev', start)) return DEV;
    if (text.startsWith('seq', start)) return SEQ;
    return 0;
  }
  if (length === 4 && text.startsWith('boot', start)) return BOOT;
  return 0;
}

/**
 * Scans the envelope JSON text[start, end) into `out`. True: `out` holds exactly what
 * parseEnvelope (verify.ts) would give, and dJson what JSON.stringify would make of its `d`.
 * False: not in the canonical subset, or not a valid envelope; the caller must use the general path
 * (which also produces the right rejection).
 */
export function scanEnvelope(text: string, start: number, end: number, out: ScannedEnvelope): boolean {
  const s = scanner;
  s.text = text;
  s.at = start;
  s.end = end;
  try {
    if (start >= end || text.charCodeAt(start) !== OPEN_BRACE) return false;
    s.at++;
    let seen = 0;
    for (;;) {
      const keyStart = s.at + 1;
      const next = s.string();
      if (next < 0) return false;
      const which = envelopeKey(text, keyStart, next - 1);
      if (which !== 0 && (seen & which) !== 0) return false; // a repeated key: JSON.parse keeps the last
      seen |= which;
      s.at = next;
      if (s.at >= end || text.charCodeAt(s.at) !== COLON) return false;
      s.at++;
      if (which === DEV) {
        const valueStart = s.at + 1;
        const after = s.string();
        const length = after - 1 - valueStart;
        if (after < 0 || length < 1 || length > 32) return false;
        for (let i = valueStart; i < after - 1; i++) if (!isIdChar(text.charCodeAt(i))) return false;
        out.dev = text.slice(valueStart, after - 1);
        s.at = after;
      } else if (which === BOOT || which === SEQ) {
        const value = s.integer();
        if (value < 0) return false;
        if (which === BOOT) out.boot = value;
        else out.seq = value;
      } else if (which === KIND) {
        const after = s.string();
        if (after !== s.at + 3) return false; // kinds are one letter
        const k = text[s.at + 1]!;
        if (!Object.prototype.hasOwnProperty.call(KIND_NAMES, k)) return false;
        out.k = k;
        s.at = after;
      } else if (which === DATA) {
        const dataStart = s.at;
        if (dataStart >= end || text.charCodeAt(dataStart) !== OPEN_BRACE) return false;
        if (!s.object(1)) return false;
        out.dJson = text.slice(dataStart, s.at);
      } else {
        // Another field: ignored by the envelope, but it must still be valid JSON.
        if (!s.value(0)) return false;
      }
      if (s.at >= end) return false;
      const c = text.charCodeAt(s.at++);
      if (c === CLOSE_BRACE) break;
      if (c !== COMMA) return false;
    }
    return s.at === end && seen === ALL;
  } finally {
    s.text = '';
  }
}

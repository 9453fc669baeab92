/**
 * The wire format, shared by the firmware (which writes frames) and the host (which reads them).
 *
 *   @s1 <json> <hmac>\n
 *
 * `<json>` is an ASCII JSON object (see Envelope); `<hmac>` is 64 lowercase hex chars of
 * HMAC-SHA256 over exactly the `<json>` bytes with the device's key. A line that does not start
 * with the prefix is not telemetry. Payload numbers are integers in scaled units, because Espruino
 * prints only ~12 significant digits.
 *
 * Device code: ES5 only, no regular expressions (Espruino mishandles many), no Map/Set.
 */
import { hex4 } from './hex';

/** Every telemetry line starts with this; REPL noise never does. */
export var WIRE_PREFIX = '@s1 ';

/** Length of the hex HMAC at the end of a frame. */
export var HMAC_HEX_LENGTH = 64;

/**
 * Message kinds. Short on the wire (bytes cost battery); the long names are used in MQTT topics.
 */
export var KIND_NAMES: { [short: string]: string } = {
  r: 'reading',
  c: 'class',
  s: 'summary',
  t: 'status',
  e: 'error',
};

export type Kind = 'r' | 'c' | 's' | 't' | 'e';

/** The JSON object inside a frame. */
export interface Envelope {
  /** Device id, ASCII, as provisioned. */
  dev: string;
  /** Boot counter kept in flash (deep sleep is a boot). */
  boot: number;
  /** Sequence number within the boot, from 0. */
  seq: number;
  /** Kind of message. */
  k: Kind;
  /** Payload: integers in scaled units. */
  d: { [key: string]: unknown };
}

/** Builds the line (without the trailing newline) from the exact JSON bytes and their hex HMAC. */
export function formatFrame(json: string, hmacHex: string): string {
  return WIRE_PREFIX + json + ' ' + hmacHex;
}

/**
 * Escapes every non-ASCII character as \uXXXX so the frame stays ASCII (Espruino strings are 8-bit
 * on ESP32, so a UTF-8 character would otherwise change length between device and host).
 */
export function asciiJson(value: unknown): string {
  var json = JSON.stringify(value);
  var out = '';
  for (var i = 0; i < json.length; i++) {
    var code = json.charCodeAt(i);
    out += code < 128 ? json.charAt(i) : '\\u' + hex4(code);
  }
  return out;
}

export interface SplitFrame {
  json: string;
  hmac: string;
}

/**
 * Splits a line into its JSON and HMAC parts, or returns null if it is not a well-formed frame.
 * It does not parse the JSON or check the HMAC: that is the verifier's job.
 */
export function splitFrame(line: string): SplitFrame | null {
  if (line.length < WIRE_PREFIX.length + 2 + 1 + HMAC_HEX_LENGTH) return null;
  if (line.substr(0, WIRE_PREFIX.length) !== WIRE_PREFIX) return null;
  var space = line.length - HMAC_HEX_LENGTH - 1;
  if (line.charAt(space) !== ' ') return null;
  var hmac = line.substr(space + 1);
  for (var i = 0; i < hmac.length; i++) {
    var c = hmac.charCodeAt(i);
    var isDigit = c >= 48 && c <= 57;
    var isLowerHex = c >= 97 && c <= 102;
    if (!isDigit && !isLowerHex) return null;
  }
  return { json: line.substring(WIRE_PREFIX.length, space), hmac: hmac };
}

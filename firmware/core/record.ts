/**
 * A self-checking record: how every persisted value is stored, so a write torn by a power cut
 * (its tail left as 0xFF, or the file missing) is detected instead of being believed.
 *
 *   "#" LLLL CCCC payload        LLLL = payload length, CCCC = Fletcher-16 of the payload (hex)
 *
 * Payloads are ASCII (JSON or a signed frame), so they never contain 0xFF. Fletcher-16 catches
 * every torn tail (a run of 0xFF replacing bytes changes the sums) and costs one short JS loop.
 */

/** 4 lowercase hex digits (n < 65536). */
function hex4(n: number): string {
  return (n + 0x10000).toString(16).substr(1);
}

/** Parses 4 hex digits at `at` (-1 if not hex; a damaged digit is caught by the checksum). */
function parseHex4(text: string, at: number): number {
  var value = parseInt(text.substr(at, 4), 16);
  return isNaN(value) ? -1 : value;
}

/** Fletcher-16 over 8-bit char codes. */
export function fletcher16(text: string): number {
  var a = 0;
  var b = 0;
  for (var i = 0; i < text.length; i++) {
    a = (a + (text.charCodeAt(i) & 255)) % 255;
    b = (b + a) % 255;
  }
  return (b << 8) | a;
}

export var RECORD_HEADER = 9;
/** Longest payload a record can carry (4 hex digits of length). */
export var RECORD_MAX = 0xffff;

export function encodeRecord(payload: string): string {
  return '#' + hex4(payload.length) + hex4(fletcher16(payload)) + payload;
}

/** The payload, or null when the record is missing, torn, or corrupt. Trailing bytes are ignored. */
export function decodeRecord(stored: string | undefined): string | null {
  if (stored === undefined || stored.length < RECORD_HEADER || stored.charAt(0) !== '#') return null;
  var length = parseHex4(stored, 1);
  var sum = parseHex4(stored, 5);
  if (length < 0 || sum < 0 || stored.length < RECORD_HEADER + length) return null;
  var payload = stored.substr(RECORD_HEADER, length);
  // Payloads are ASCII: an 0xFF byte can only be unwritten flash, i.e. a torn write.
  if (payload.indexOf('\xff') >= 0) return null;
  return fletcher16(payload) === sum ? payload : null;
}

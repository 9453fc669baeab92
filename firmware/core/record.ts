/**
 * A self-checking record: how every persisted value is stored, so a write torn by a power cut
 * (its tail left as 0xFF, or the file missing) is detected instead of being believed.
 *
 *   "#" LLLL CCCC payload        LLLL = payload length, CCCC = Fletcher-16 of the payload (hex)
 *
 * Payloads are ASCII (JSON or a signed frame), so they never contain 0xFF. Fletcher-16 catches
 * every torn tail (a run of 0xFF replacing bytes changes the sums) and costs one short JS loop.
 */
import { ERASED } from './flash';
import { hex4 } from './hex';

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

/**
 * The payload, or null when the record is missing, torn, or corrupt. Trailing bytes are ignored.
 * Decoding re-encodes the payload the header announces and compares the header too: one code path
 * checks the marker, the length (a short payload re-encodes to another length) and the checksum.
 */
export function decodeRecord(stored: string | undefined): string | null {
  var text = stored || '';
  // A damaged length digit gives NaN: no payload, whose header then differs from the stored one.
  var payload = text.substr(RECORD_HEADER, parseInt(text.substr(1, 4), 16) || 0);
  // Payloads are ASCII: an 0xFF byte can only be unwritten flash, i.e. a torn write.
  return payload.indexOf(ERASED) < 0 && encodeRecord(payload) === text.substr(0, RECORD_HEADER + payload.length) ? payload : null;
}

/**
 * HMAC-SHA256 (RFC 2104) over an injected SHA-256, so one implementation runs on the device
 * (require("crypto").SHA256, which Espruino has but without HMAC) and in Node (node:crypto).
 *
 * Bytes are Uint8Array; strings are 8-bit (each char code is one byte): wire data is ASCII.
 * The key's inner/outer padded blocks are computed once per key (hmacSigner), so signing a frame
 * costs two SHA-256 calls plus one pass over the message to turn it into bytes.
 *
 * Device code: ES5, no regular expressions.
 */

/** SHA-256 of `data`, as a 32-byte ArrayBuffer (the shape of Espruino's crypto.SHA256). */
export type Sha256 = (data: Uint8Array) => ArrayBuffer;

var BLOCK = 64;
var HEX_DIGITS = '0123456789abcdef';

/** Each char code becomes one byte (char codes above 255 keep their low 8 bits). */
export function asciiBytes(text: string): Uint8Array {
  var out = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  var out = '';
  for (var i = 0; i < bytes.length; i++) out += HEX_DIGITS.charAt(bytes[i] >> 4) + HEX_DIGITS.charAt(bytes[i] & 15);
  return out;
}

/** Parses lowercase hex (as keys are stored); null on a non-string, an odd length or another character. */
export function fromHex(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length % 2 !== 0) return null;
  var out = new Uint8Array(hex.length / 2);
  for (var i = 0; i < out.length; i++) {
    var hi = HEX_DIGITS.indexOf(hex.charAt(2 * i));
    var lo = HEX_DIGITS.indexOf(hex.charAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  var out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export interface HmacSigner {
  /** Raw 32-byte MAC of `message`. */
  mac(message: Uint8Array): Uint8Array;
  /** 64 lowercase hex chars of the MAC of an 8-bit string (a frame's JSON). */
  signHex(message: string): string;
}

/** Prepares the padded key blocks once; keys longer than a block are hashed first (RFC 2104). */
export function hmacSigner(sha256: Sha256, key: Uint8Array): HmacSigner {
  var k = key.length > BLOCK ? new Uint8Array(sha256(key)) : key;
  var inner = new Uint8Array(BLOCK);
  var outer = new Uint8Array(BLOCK);
  for (var i = 0; i < BLOCK; i++) {
    var byte = i < k.length ? k[i] : 0;
    inner[i] = byte ^ 0x36;
    outer[i] = byte ^ 0x5c;
  }
  function mac(message: Uint8Array): Uint8Array {
    var innerHash = new Uint8Array(sha256(concat(inner, message)));
    return new Uint8Array(sha256(concat(outer, innerHash)));
  }
  return {
    mac: mac,
    signHex: function (message: string): string {
      return toHex(mac(asciiBytes(message)));
    },
  };
}

/** One-shot helper: hex HMAC-SHA256 of `message` under `key`. */
export function hmacSha256Hex(sha256: Sha256, key: Uint8Array, message: Uint8Array): string {
  return toHex(hmacSigner(sha256, key).mac(message));
}

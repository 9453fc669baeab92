/**
 * HMAC-SHA256 (RFC 2104) over an injected SHA-256, so one implementation runs on the device
 * (require("crypto").SHA256, which Espruino has but without HMAC) and in Node (node:crypto).
 *
 * Bytes are Uint8Array; strings are 8-bit (each char code is one byte): wire data is ASCII.
 * The key's inner/outer padded blocks are computed once per key (hmacMac), so signing a frame
 * costs two SHA-256 calls plus turning the message into bytes (natively on the device).
 *
 * Device code: ES5, no regular expressions.
 */
import { hex4 } from './hex';

/** SHA-256 of `data`, as a 32-byte ArrayBuffer (the shape of Espruino's crypto.SHA256). */
export type Sha256 = (data: Uint8Array) => ArrayBuffer;

var BLOCK = 64;

/** Each char code becomes one byte (char codes above 255 keep their low 8 bits). */
export function asciiBytes(text: string): Uint8Array {
  var out = new Uint8Array(text.length);
  for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  var out = '';
  for (var i = 0; i < bytes.length; i++) out += hex4(bytes[i]).substr(2);
  return out;
}

/**
 * Parses lowercase hex (as keys are stored); null on a non-string, an odd length or another
 * character: the bytes printed back must give the input again (parseInt alone would accept
 * "1g", " 1" or "AB"; a non-string never equals a string).
 */
export function fromHex(hex: string): Uint8Array | null {
  var text = '' + hex;
  var out = new Uint8Array(text.length >> 1);
  for (var i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
  return toHex(out) === hex ? out : null;
}

/** What signs frames (the raw MAC is hmacMac's function). */
export interface HmacSigner {
  /** 64 lowercase hex chars of the MAC of an 8-bit string (a frame's JSON). */
  signHex(message: string): string;
}

/**
 * The MAC function of `key`: prepares the padded key blocks once; keys longer than a block are
 * hashed first (RFC 2104).
 */
export function hmacMac(sha256: Sha256, key: Uint8Array): (message: Uint8Array) => Uint8Array {
  // The key, zero-padded to a block: [0, 64) the inner pad, [64, 128) the outer one.
  var pads = new Uint8Array(2 * BLOCK);
  pads.set(key.length > BLOCK ? new Uint8Array(sha256(key)) : key);
  pads.set(pads.subarray(0, BLOCK), BLOCK);
  for (var i = 0; i < BLOCK; i++) {
    pads[i] ^= 0x36;
    pads[BLOCK + i] ^= 0x5c;
  }
  /** SHA-256 of the pad at `at` followed by `data`. */
  function hashPadded(at: number, data: Uint8Array): Uint8Array {
    var block = new Uint8Array(BLOCK + data.length);
    block.set(pads.subarray(at, at + BLOCK));
    block.set(data, BLOCK);
    return new Uint8Array(sha256(block));
  }
  return function (message: Uint8Array): Uint8Array {
    return hashPadded(BLOCK, hashPadded(0, message));
  };
}

/**
 * A signer over `key` with the portable string-to-bytes loop (host code, tests, mqtt-probe). The
 * device's signer (firmware/hal/device.ts) is the same composition over Espruino's native
 * E.toUint8Array instead: one call, not a JS loop per character of every frame, and the same
 * bytes for 8-bit strings (firmware/core/hmac.test.ts checks the two agree).
 */
export function hmacSigner(sha256: Sha256, key: Uint8Array): HmacSigner {
  var mac = hmacMac(sha256, key);
  return {
    signHex: function (message: string): string {
      return toHex(mac(asciiBytes(message)));
    },
  };
}

/** One-shot helper: hex HMAC-SHA256 of `message` under `key`. */
export function hmacSha256Hex(sha256: Sha256, key: Uint8Array, message: Uint8Array): string {
  return toHex(hmacMac(sha256, key)(message));
}

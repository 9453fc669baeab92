/**
 * SHA-256 on the device: require("crypto").SHA256 (in the ESP32 build; Espruino has no HMAC,
 * firmware/core/hmac.ts builds it). Absent on some builds: callers get null and report it.
 */
import type { Sha256 } from '../core/hmac';

export function deviceSha256(): Sha256 | null {
  var crypto: EspruinoCrypto;
  try {
    crypto = require('crypto');
  } catch (e) {
    return null;
  }
  var sha = crypto && crypto.SHA256;
  if (typeof sha !== 'function') return null;
  return function (data: Uint8Array): ArrayBuffer {
    return sha!(data);
  };
}

/**
 * SHA-256 on the device: require("crypto").SHA256 (in the ESP32 build; Espruino has no HMAC,
 * firmware/core/hmac.ts builds it). Absent on some builds: callers get null and report it.
 */
import type { Sha256 } from '../core/hmac';

export function deviceSha256(): Sha256 | null {
  try {
    var crypto: EspruinoCrypto = require('crypto');
    // Called through the module object, as documented, rather than as a detached native.
    if (typeof crypto.SHA256 === 'function') {
      return function (data: Uint8Array): ArrayBuffer {
        return crypto.SHA256!(data);
      };
    }
  } catch (e) {
    // No crypto module in this build: same answer as no SHA256.
  }
  return null;
}

/**
 * The device's identity: Storage file `spruce.dev` = {"id": "<device id>", "key": "<64 hex>"},
 * written by the flasher or the virtual board at provisioning time. The key never goes into a
 * bundle, a frame or a console line.
 */
import { fault, type Fault } from '../core/fault';
import type { Flash } from '../core/flash';
import { fromHex, hmacMac, toHex, type HmacSigner } from '../core/hmac';
import { deviceSha256 } from './crypto';

export var DEVICE_FILE = 'spruce.dev';

export type DeviceIdentity = { ok: true; id: string; key: Uint8Array } | Fault;

/** E_NO_DEVICE: no spruce.dev; E_BAD_DEVICE: not {"id": 1-32 chars, "key": 64 hex}. Fix: re-provision. */
export function readDeviceIdentity(flash: Flash): DeviceIdentity {
  var text = flash.read(DEVICE_FILE);
  if (text === undefined) return fault('E_NO_DEVICE');
  try {
    var parsed = JSON.parse(text);
    var key = fromHex(parsed.key);
    var id = parsed.id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 32 && key && key.length === 32) return { ok: true, id: id, key: key };
  } catch (e) {
    // Not JSON, or key not a string: same answer as a bad shape.
  }
  return fault('E_BAD_DEVICE');
}

/**
 * What an app needs to sign frames: its id and a signer over its key. Null after printing one short
 * line saying why not (E_NO_SHA256: this Espruino build has no crypto.SHA256; E_NO_DEVICE /
 * E_BAD_DEVICE: spruce.dev is missing or malformed); the app then stays awake at the prompt so it
 * can be fixed, instead of sleeping in a loop. Short codes because bytes are JsVars; the apps'
 * READMEs give each fix.
 */
export function signingIdentity(flash: Flash): { dev: string; signer: HmacSigner } | null {
  var sha256 = deviceSha256();
  var device = readDeviceIdentity(flash);
  if (sha256 && device.ok) {
    var mac = hmacMac(sha256, device.key);
    // core's hmacSigner with Espruino's native string-to-bytes conversion: frames are ASCII
    // (wire.ts asciiJson), so E.toUint8Array gives each char code as one byte, in one call instead
    // of a JS loop per character (firmware/core/hmac.test.ts checks the two give the same MACs).
    return { dev: device.id, signer: { signHex: function (json: string): string {
      return toHex(mac(E.toUint8Array(json)));
    } } };
  }
  print('spruce: ' + (sha256 ? (device as { code: string }).code + ' provision spruce.dev' : 'E_NO_SHA256 no crypto.SHA256'));
  return null;
}

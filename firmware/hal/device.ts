/**
 * The device's identity: Storage file `spruce.dev` = {"id": "<device id>", "key": "<64 hex>"},
 * written by the flasher or the virtual board at provisioning time. The key never goes into a
 * bundle, a frame or a console line.
 */
import type { Flash } from '../core/flash';
import { fromHex } from '../core/hmac';

export var DEVICE_FILE = 'spruce.dev';

export type DeviceIdentity = { ok: true; id: string; key: Uint8Array } | { ok: false; code: string };

/** E_NO_DEVICE: no spruce.dev; E_BAD_DEVICE: not {"id": 1-32 chars, "key": 64 hex}. Fix: re-provision. */
export function readDeviceIdentity(flash: Flash): DeviceIdentity {
  var text = flash.read(DEVICE_FILE);
  if (text === undefined) return { ok: false, code: 'E_NO_DEVICE' };
  try {
    var parsed = JSON.parse(text);
    var key = fromHex(parsed.key);
    var id = parsed.id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 32 && key !== null && key.length === 32) return { ok: true, id: id, key: key };
  } catch (e) {
    // Not JSON, or key not a string: same answer as a bad shape.
  }
  return { ok: false, code: 'E_BAD_DEVICE' };
}

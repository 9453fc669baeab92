/**
 * The downlink mailbox: configuration and commands that wait for the device's next wake.
 *
 * The host publishes ONE retained message to `spruce/<dev>/down` (QoS 1). The device subscribes
 * whenever its radio is on, so the broker hands it the retained command right after SUBACK;
 * the device checks it, applies it, persists `lastId`, publishes an ack to `spruce/<dev>/ack`
 * and clears the mailbox with an empty retained publish. Nothing sent while it sleeps is lost:
 *   - the retained message waits at the broker however long the device sleeps;
 *   - a command published while the device is connected (even between receiving one command and
 *     clearing it) reaches it over the live subscription before the broker's PUBACK for the clear,
 *     because one broker connection delivers in order; the device applies it and clears again;
 *   - re-delivery (a crash before the clear) is harmless: ids at or below `lastId` are not applied
 *     twice, only acknowledged and cleared again.
 * A sender waits for the ack of one command before sending the next (a retained topic holds one).
 *
 * Command JSON (ASCII): {"id": <positive integer, increasing>, "set": {<setting>: <number>},
 *                        "file": {"name": <Storage file the app allows>, "b64": <base64 bytes>}}
 * e.g. {"id":4,"set":{"intervalS":120,"co2Delta":40}} or {"id":5,"file":{"name":"model","b64":"..."}}
 *
 * Pure ES5: validation only. The HAL writes the files and the app merges the settings.
 */

export interface SettingRule {
  min: number;
  max: number;
  integer: boolean;
}

export interface DownlinkRules {
  /** Settings the app accepts over the air, with their ranges. Anything else is refused. */
  settings: { [key: string]: SettingRule };
  /** Storage files a command may replace (e.g. the model), with a size limit in bytes. */
  files: { [name: string]: number };
}

export interface DownlinkFile {
  name: string;
  /** Base64 as received; the HAL decodes with atob (native on Espruino). */
  b64: string;
  bytes: number;
}

export interface DownlinkOutcome {
  /** True if the command was applied now (or is a harmless duplicate / empty mailbox). */
  ok: boolean;
  /** The command id, or -1 if none could be read. */
  id: number;
  code?: string;
  /** The setting or file that failed the check. */
  key?: string;
  /** Empty payload: the cleared mailbox, nothing to do or acknowledge. */
  empty?: boolean;
  /** Already applied before (id <= lastId): acknowledge and clear again, change nothing. */
  duplicate?: boolean;
  settings: { [key: string]: number };
  file?: DownlinkFile;
}

function fail(id: number, code: string, key?: string): DownlinkOutcome {
  var o: DownlinkOutcome = { ok: false, id: id, code: code, settings: {} };
  if (key !== undefined) o.key = key;
  return o;
}

function isBase64(s: string): boolean {
  if (s.length % 4 !== 0) return false;
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    var ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok && !(c === 61 && i >= s.length - 2)) return false;
  }
  return true;
}

function base64Bytes(s: string): number {
  var pad = 0;
  if (s.length > 0 && s.charAt(s.length - 1) === '=') pad++;
  if (s.length > 1 && s.charAt(s.length - 2) === '=') pad++;
  return (s.length / 4) * 3 - pad;
}

/**
 * Checks one mailbox payload against the app's rules. All-or-nothing: if any part is invalid,
 * nothing is applied and the ack says which key was wrong.
 */
export function interpretCommand(payload: string, rules: DownlinkRules, lastId: number): DownlinkOutcome {
  if (payload.length === 0) return { ok: true, id: -1, empty: true, settings: {} };
  var cmd: any;
  try {
    cmd = JSON.parse(payload);
  } catch (e) {
    return fail(-1, 'E_DL_JSON');
  }
  if (!cmd || typeof cmd !== 'object') return fail(-1, 'E_DL_JSON');
  var id = cmd.id;
  if (typeof id !== 'number' || Math.floor(id) !== id || id < 1) return fail(-1, 'E_DL_ID');
  if (id <= lastId) return { ok: true, id: id, duplicate: true, settings: {} };

  var settings: { [key: string]: number } = {};
  if (cmd.set !== undefined) {
    if (!cmd.set || typeof cmd.set !== 'object') return fail(id, 'E_DL_SET');
    for (var key in cmd.set) {
      var rule = rules.settings[key];
      if (!rule) return fail(id, 'E_DL_UNKNOWN', key);
      var v = cmd.set[key];
      if (typeof v !== 'number' || v !== v) return fail(id, 'E_DL_TYPE', key);
      if (rule.integer && Math.floor(v) !== v) return fail(id, 'E_DL_TYPE', key);
      if (v < rule.min || v > rule.max) return fail(id, 'E_DL_RANGE', key);
      settings[key] = v;
    }
  }
  var out: DownlinkOutcome = { ok: true, id: id, settings: settings };
  if (cmd.file !== undefined) {
    var f = cmd.file;
    if (!f || typeof f.name !== 'string' || typeof f.b64 !== 'string') return fail(id, 'E_DL_FILE');
    var limit = rules.files[f.name];
    if (limit === undefined) return fail(id, 'E_DL_UNKNOWN', f.name);
    if (!isBase64(f.b64)) return fail(id, 'E_DL_FILE', f.name);
    var size = base64Bytes(f.b64);
    if (size > limit) return fail(id, 'E_DL_TOO_BIG', f.name);
    out.file = { name: f.name, b64: f.b64, bytes: size };
  }
  if (cmd.set === undefined && cmd.file === undefined) return fail(id, 'E_DL_EMPTY');
  return out;
}

/** The ack the device publishes to spruce/<dev>/ack (ASCII JSON, integers only). */
export function ackPayload(o: DownlinkOutcome): string {
  var ack: { [k: string]: unknown } = { id: o.id, ok: o.ok };
  if (o.code) ack.code = o.code;
  if (o.key) ack.key = o.key;
  if (o.duplicate) ack.dup = true;
  return JSON.stringify(ack);
}

export function downTopic(dev: string): string {
  return 'spruce/' + dev + '/down';
}

export function ackTopic(dev: string): string {
  return 'spruce/' + dev + '/ack';
}

export function upTopic(dev: string): string {
  return 'spruce/' + dev + '/up';
}

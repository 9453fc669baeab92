/**
 * What the bridge sends on: topic and JSON payload built from a WAL entry. The signed line travels
 * unchanged inside the payload, so any consumer holding the device key can verify it end to end.
 */
import { KIND_NAMES } from '../../firmware/core/wire.ts';
import type { WalEntry } from './wal.ts';
import { jsonString } from './wal-files.ts';

export interface OutboundPayload {
  dev: string;
  boot: number;
  seq: number;
  /** Long kind name, as in the topic. */
  kind: string;
  /** The decoded payload (integers in scaled units). */
  d: unknown;
  /** The exact signed line `@s1 <json> <hmac>`. */
  line: string;
  /** Where the bridge received it (port, sim, uplink). */
  src: string;
  /** When the bridge received it, ISO 8601. */
  receivedAt: string;
}

export function kindName(k: string): string {
  // Own keys only: a kind such as "toString" must not find Object.prototype's function.
  return Object.prototype.hasOwnProperty.call(KIND_NAMES, k) ? KIND_NAMES[k]! : k;
}

/** `<prefix>/<dev>/<kind long name>`. */
export function topicFor(entry: Pick<WalEntry, 'dev' | 'k'>, prefix = 'spruce'): string {
  return `${prefix}/${entry.dev}/${kindName(entry.k)}`;
}

/** The payload data of an entry as JSON: kept from verification, else decoded from the signed line. */
function payloadDataJson(entry: WalEntry): string {
  if (entry.dJson !== undefined) return entry.dJson;
  // The line verified when it came in; re-parse the JSON part to expose the payload as data.
  const json = entry.line.slice(4, entry.line.length - 65);
  let d: unknown;
  try {
    d = (JSON.parse(json) as { d?: unknown }).d ?? null;
  } catch {
    d = null;
  }
  return JSON.stringify(d);
}

export function payloadFor(entry: WalEntry): OutboundPayload {
  return {
    dev: entry.dev,
    boot: entry.boot,
    seq: entry.seq,
    kind: kindName(entry.k),
    d: JSON.parse(payloadDataJson(entry)),
    line: entry.line,
    src: entry.src,
    receivedAt: isoTime(entry.at),
  };
}

/**
 * JSON.stringify(payloadFor(entry)), built by concatenation: the same bytes (a property test holds
 * them equal) without an intermediate object and a generic walk over it per message.
 */
export function payloadJson(entry: WalEntry): string {
  return (
    '{"dev":' + jsonString(entry.dev) + ',"boot":' + entry.boot + ',"seq":' + entry.seq + ',"kind":' + jsonString(kindName(entry.k)) +
    ',"d":' + payloadDataJson(entry) + ',"line":' + (entry.lineJson ?? JSON.stringify(entry.line)) + ',"src":' + jsonString(entry.src) +
    ',"receivedAt":"' + isoTime(entry.at) + '"}'
  );
}

/** Date#toISOString costs ~1 µs; at bridge rates most messages share their millisecond. */
let lastAt = NaN;
let lastIso = '';
function isoTime(at: number): string {
  if (at !== lastAt) {
    lastIso = new Date(at).toISOString();
    lastAt = at;
  }
  return lastIso;
}

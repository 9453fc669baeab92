/**
 * What the bridge sends on: topic and JSON payload built from a WAL entry. The signed line travels
 * unchanged inside the payload, so any consumer holding the device key can verify it end to end.
 */
import { KIND_NAMES } from '../../firmware/core/wire.ts';
import type { WalEntry } from './wal.ts';

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
  return KIND_NAMES[k] ?? k;
}

/** `<prefix>/<dev>/<kind long name>`. */
export function topicFor(entry: Pick<WalEntry, 'dev' | 'k'>, prefix = 'spruce'): string {
  return `${prefix}/${entry.dev}/${kindName(entry.k)}`;
}

/**
 * Payloads already decoded during verification, per live entry: parsing each line a second time
 * just to publish it showed up in the bridge profile. Weak, so entries are not kept alive; entries
 * recovered from the WAL at start are not in it and are parsed again below.
 */
const decodedPayloads = new WeakMap<WalEntry, unknown>();

export function rememberPayload(entry: WalEntry, d: unknown): void {
  decodedPayloads.set(entry, d);
}

export function payloadFor(entry: WalEntry): OutboundPayload {
  let d: unknown = decodedPayloads.get(entry);
  if (d === undefined) {
    // The line verified when it came in; re-parse the JSON part to expose the payload as data.
    const json = entry.line.slice(4, entry.line.length - 65);
    try {
      d = (JSON.parse(json) as { d?: unknown }).d ?? null;
    } catch {
      d = null;
    }
  }
  return {
    dev: entry.dev,
    boot: entry.boot,
    seq: entry.seq,
    kind: kindName(entry.k),
    d,
    line: entry.line,
    src: entry.src,
    receivedAt: new Date(entry.at).toISOString(),
  };
}

/**
 * Frame verification: shape, device key, HMAC-SHA256 over the exact JSON bytes (length check, then
 * constant-time comparison), and the replay filter. Pure logic plus a SeenState; the bridge decides
 * what to do with each verdict (forward, re-acknowledge, count).
 */
import { timingSafeEqual } from 'node:crypto';
import { HMAC_HEX_LENGTH, KIND_NAMES, WIRE_PREFIX, type Envelope, type Kind } from '../../firmware/core/wire.ts';
import { DEVICE_ID, type KeyRegistry } from '../keys.ts';
import { scanEnvelope, type ScannedEnvelope } from './envelope-scan.ts';
import { HmacSha256Key } from './hmac-sha256.ts';
import type { SeenState } from './seen.ts';

const MAC_BYTES = 32;

/** Value of each lowercase hex digit by char code; -1 for anything else (uppercase too, as on the wire). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = 10 + i;

/**
 * Where the MAC starts in a frame line (after the space), or -1 if the line is not shaped like a
 * frame: the same acceptance as firmware/core/wire.ts splitFrame (its equivalence is a property
 * test), but decoding the 64 hex digits into `mac` as it checks them, with no substrings.
 */
export function splitFrameInto(line: string, mac: Uint8Array): number {
  const prefix = WIRE_PREFIX.length;
  if (line.length < prefix + 2 + 1 + HMAC_HEX_LENGTH) return -1;
  if (!line.startsWith(WIRE_PREFIX)) return -1;
  const space = line.length - HMAC_HEX_LENGTH - 1;
  if (line.charCodeAt(space) !== 32) return -1;
  for (let i = 0, at = space + 1; i < HMAC_HEX_LENGTH / 2; i++, at += 2) {
    const hi = line.charCodeAt(at);
    const lo = line.charCodeAt(at + 1);
    const high = hi < 128 ? HEX_VALUE[hi]! : -1;
    const low = lo < 128 ? HEX_VALUE[lo]! : -1;
    if (high < 0 || low < 0) return -1;
    mac[i] = (high << 4) | low;
  }
  return space + 1;
}

export type RejectReason = 'unknown-device' | 'forged' | 'replayed' | 'malformed' | 'overlong';
export const REJECT_REASONS: readonly RejectReason[] = ['unknown-device', 'forged', 'replayed', 'malformed', 'overlong'];

export interface VerifiedFrame {
  envelope: Envelope;
  /** The exact signed line, kept so consumers can verify it again. */
  line: string;
}

/**
 * The envelope of an authenticated line, as authenticateInto() leaves it: `dJson` is the payload
 * re-serialised (JSON.stringify of `d`), and `canonical` says the JSON part was compact printable
 * ASCII without escapes (envelope-scan.ts), so the whole line is too.
 */
export interface AuthenticatedFields extends ScannedEnvelope {
  canonical: boolean;
}

export type Verdict =
  | { ok: true; frame: VerifiedFrame }
  /**
   * `retransmission` is set on a replayed frame whose HMAC verified and whose (boot, seq) is still in
   * the window: most likely the device never got our ack, so re-acknowledging it is correct and safe
   * (the message is already durable); it is still never forwarded twice.
   */
  | { ok: false; reason: RejectReason; dev?: string; retransmission?: Envelope };

/** Default cap on a whole line: generous for a reading, far below anything that could hurt memory. */
export const DEFAULT_MAX_LINE = 1024;

export class Verifier {
  /** Per device, the key prepared for HMAC (its padded blocks hashed once, see hmac-sha256.ts). */
  private keys = new Map<string, HmacSha256Key>();
  /** Scratch for the computed and the received MAC: verify() allocates no buffers per frame. */
  private readonly expected = Buffer.alloc(MAC_BYTES);
  private readonly given = Buffer.alloc(MAC_BYTES);

  constructor(
    keys: KeyRegistry,
    /** The replay filter; null where only authenticate() is used. */
    private readonly seen: SeenState | null,
    readonly maxLine = DEFAULT_MAX_LINE,
  ) {
    this.setKeys(keys);
  }

  /** Replaces the key set (e.g. after the registry file changed). */
  setKeys(keys: KeyRegistry): void {
    this.keys = new Map(Object.entries(keys).map(([dev, hex]) => [dev, new HmacSha256Key(Buffer.from(hex, 'hex'))]));
  }

  hasDevice(dev: string): boolean {
    return this.keys.has(dev);
  }

  /**
   * Checks a telemetry line. Does not record it as seen: call accept() once it is durable, so a
   * frame that failed to be written is not later rejected as a replay.
   */
  verify(line: string): Verdict {
    const verdict = this.authenticate(line);
    if (!verdict.ok) return verdict;
    const envelope = verdict.frame.envelope;
    const seen = this.seen?.check(envelope.dev, envelope.boot, envelope.seq) ?? 'new';
    if (seen === 'seen') return { ok: false, reason: 'replayed', dev: envelope.dev, retransmission: envelope };
    if (seen === 'stale') return { ok: false, reason: 'replayed', dev: envelope.dev };
    return verdict;
  }

  /**
   * Everything but the replay filter: shape, known device, HMAC. The replay check is verify()'s
   * (the bridge does its own, against the WAL's SeenState).
   */
  authenticate(line: string): { ok: true; frame: VerifiedFrame } | { ok: false; reason: RejectReason; dev?: string } {
    const fields = this.scratch;
    const reason = this.authenticateInto(line, fields);
    if (reason !== null) return reason === 'overlong' || reason === 'malformed' ? { ok: false, reason } : { ok: false, reason, dev: fields.dev };
    // The payload as parsed from the line itself (for canonical JSON, its text is exactly dJson).
    const d = fields.canonical ? (JSON.parse(fields.dJson) as Envelope['d']) : parseEnvelope(line.slice(WIRE_PREFIX.length, line.length - HMAC_HEX_LENGTH - 1))!.d;
    return { ok: true, frame: { envelope: { dev: fields.dev, boot: fields.boot, seq: fields.seq, k: fields.k as Kind, d }, line } };
  }

  private readonly scratch: AuthenticatedFields = { dev: '', boot: 0, seq: 0, k: '', dJson: '', canonical: false };

  /**
   * authenticate() without building objects, for the bridge's hot path: the envelope fields go into
   * `out` (reused by the caller for every line). Returns null when the frame is authentic, else the
   * reason (with out.dev set for 'unknown-device' and 'forged').
   */
  authenticateInto(line: string, out: AuthenticatedFields): RejectReason | null {
    if (line.length > this.maxLine) return 'overlong';
    // Decodes the received MAC into this.given while checking the frame's shape.
    const macAt = splitFrameInto(line, this.given);
    if (macAt < 0) return 'malformed';
    const jsonEnd = macAt - 1;
    out.canonical = scanEnvelope(line, WIRE_PREFIX.length, jsonEnd, out);
    if (!out.canonical) {
      // Not compact JSON as the firmware writes it: the general (slower) path decides.
      const envelope = parseEnvelope(line.slice(WIRE_PREFIX.length, jsonEnd));
      if (!envelope) return 'malformed';
      out.dev = envelope.dev;
      out.boot = envelope.boot;
      out.seq = envelope.seq;
      out.k = envelope.k;
      out.dJson = JSON.stringify(envelope.d);
    }
    const key = this.keys.get(out.dev);
    if (!key) return 'unknown-device';
    // The MAC covers exactly the JSON bytes: from after the prefix up to the space before the MAC.
    key.digestLatin1(line, WIRE_PREFIX.length, jsonEnd, this.expected);
    // Both are MAC_BYTES long by construction; the length check stays in front of the
    // constant-time comparison anyway (timingSafeEqual needs equal lengths, and says so loudly).
    if (this.given.length !== this.expected.length || !timingSafeEqual(this.given, this.expected)) return 'forged';
    return null;
  }

  /** Records a verified frame as seen; false if it was already (a concurrent duplicate). */
  accept(envelope: Envelope): boolean {
    return this.seen?.add(envelope.dev, envelope.boot, envelope.seq) ?? true;
  }
}

function isCounter(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Parses and validates the envelope; null if anything is off (the reason is then "malformed"). */
export function parseEnvelope(json: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.dev !== 'string' || !DEVICE_ID.test(v.dev)) return null;
  if (!isCounter(v.boot) || !isCounter(v.seq)) return null;
  if (typeof v.k !== 'string' || !Object.prototype.hasOwnProperty.call(KIND_NAMES, v.k)) return null;
  if (typeof v.d !== 'object' || v.d === null || Array.isArray(v.d)) return null;
  return { dev: v.dev, boot: v.boot, seq: v.seq, k: v.k as Kind, d: v.d as Envelope['d'] };
}

/**
 * Frame verification: shape, device key, HMAC-SHA256 over the exact JSON bytes (length check, then
 * constant-time comparison), and the replay filter. Pure logic plus a SeenState; the bridge decides
 * what to do with each verdict (forward, re-acknowledge, count).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KIND_NAMES, splitFrame, type Envelope, type Kind } from '../../firmware/core/wire.ts';
import { DEVICE_ID, type KeyRegistry } from '../keys.ts';
import type { SeenState } from './seen.ts';

export type RejectReason = 'unknown-device' | 'forged' | 'replayed' | 'malformed' | 'overlong';
export const REJECT_REASONS: readonly RejectReason[] = ['unknown-device', 'forged', 'replayed', 'malformed', 'overlong'];

export interface VerifiedFrame {
  envelope: Envelope;
  /** The exact signed line, kept so consumers can verify it again. */
  line: string;
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
  private keys = new Map<string, Buffer>();

  constructor(
    keys: KeyRegistry,
    private readonly seen: SeenState,
    readonly maxLine = DEFAULT_MAX_LINE,
  ) {
    this.setKeys(keys);
  }

  /** Replaces the key set (e.g. after the registry file changed). */
  setKeys(keys: KeyRegistry): void {
    this.keys = new Map(Object.entries(keys).map(([dev, hex]) => [dev, Buffer.from(hex, 'hex')]));
  }

  hasDevice(dev: string): boolean {
    return this.keys.has(dev);
  }

  /**
   * Checks a telemetry line. Does not record it as seen: call accept() once it is durable, so a
   * frame that failed to be written is not later rejected as a replay.
   */
  verify(line: string): Verdict {
    if (line.length > this.maxLine) return { ok: false, reason: 'overlong' };
    const parts = splitFrame(line);
    if (!parts) return { ok: false, reason: 'malformed' };
    const envelope = parseEnvelope(parts.json);
    if (!envelope) return { ok: false, reason: 'malformed' };
    const key = this.keys.get(envelope.dev);
    if (!key) return { ok: false, reason: 'unknown-device', dev: envelope.dev };
    const expected = createHmac('sha256', key).update(parts.json, 'latin1').digest();
    const given = Buffer.from(parts.hmac, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'forged', dev: envelope.dev };
    }
    const seen = this.seen.check(envelope.dev, envelope.boot, envelope.seq);
    if (seen === 'seen') return { ok: false, reason: 'replayed', dev: envelope.dev, retransmission: envelope };
    if (seen === 'stale') return { ok: false, reason: 'replayed', dev: envelope.dev };
    return { ok: true, frame: { envelope, line } };
  }

  /** Records a verified frame as seen; false if it was already (a concurrent duplicate). */
  accept(envelope: Envelope): boolean {
    return this.seen.add(envelope.dev, envelope.boot, envelope.seq);
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

/**
 * The host side of the serial uplink, for the virtual board: watches the console for signed
 * frames (`@s1 <json> <hmac>`), verifies each one with the device's key (HMAC-SHA256 over the
 * exact JSON bytes, constant-time comparison after a length check) and, if it verifies, calls
 * `ack(boot, seq)` in the device after a short virtual latency, as the bridge does through the
 * REPL (only if the firmware defined a global ack function). Frames that do not verify are counted and never acknowledged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { splitFrame } from '../../firmware/core/wire.ts';
import type { VirtualBoard } from './board.ts';

export interface FrameEvent {
  line: string;
  dev: string;
  boot: number;
  seq: number;
  kind: string;
  data: unknown;
  verified: boolean;
}

export interface AckingHostOptions {
  /** Device id -> 64-hex key. */
  keys: Record<string, string>;
  /** Acknowledge verified frames (false: only watch). Default true. */
  ack?: boolean;
  /** Virtual delay between a frame line and its ack (serial + host time). Default 20 ms. */
  latencyMs?: number;
  onFrame?: (frame: FrameEvent) => void;
}

export class AckingHost {
  received = 0;
  verified = 0;
  rejected = 0;
  /** ack(boot, seq) calls made in the device. */
  acked = 0;
  /** Verified frames not acknowledged because the firmware defines no ack() (e.g. MQTT apps). */
  noAckFunction = 0;
  private partial = '';
  private readonly listener: (text: string) => void;

  constructor(private readonly board: VirtualBoard, private readonly options: AckingHostOptions) {
    this.listener = (text) => this.onOutput(text);
    board.on('output', this.listener);
  }

  detach(): void {
    this.board.off('output', this.listener);
  }

  private onOutput(text: string): void {
    this.partial += text;
    let end: number;
    while ((end = this.partial.indexOf('\n')) !== -1) {
      const line = this.partial.slice(0, end).replace(/\r$/, '');
      this.partial = this.partial.slice(end + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const parts = splitFrame(line);
    if (!parts) return;
    this.received++;
    let envelope: { dev?: unknown; boot?: unknown; seq?: unknown; k?: unknown; d?: unknown };
    try {
      envelope = JSON.parse(parts.json) as typeof envelope;
    } catch {
      this.rejected++;
      return;
    }
    const dev = String(envelope.dev);
    const boot = Number(envelope.boot);
    const seq = Number(envelope.seq);
    const key = this.options.keys[dev];
    let ok = false;
    if (key && Number.isInteger(boot) && Number.isInteger(seq)) {
      const expected = createHmac('sha256', Buffer.from(key, 'hex')).update(Buffer.from(parts.json, 'latin1')).digest();
      const given = Buffer.from(parts.hmac, 'hex');
      ok = given.length === expected.length && timingSafeEqual(given, expected);
    }
    if (ok) this.verified++;
    else this.rejected++;
    this.options.onFrame?.({ line, dev, boot, seq, kind: String(envelope.k), data: envelope.d, verified: ok });
    if (ok && this.options.ack !== false) {
      // Only firmware that takes serial acks defines a global ack(); others (MQTT uplinks) are
      // left alone and counted.
      this.board.postAfter(this.options.latencyMs ?? 20, () => {
        const ack = this.board.session?.realm.global.ack;
        if (typeof ack !== 'function') {
          this.noAckFunction++;
          return;
        }
        this.acked++;
        (ack as (boot: number, seq: number) => unknown)(boot, seq);
      }, [], 'host ack');
    }
  }
}

/**
 * The bridge core: console bytes in, verified and durable messages out.
 *
 *   bytes → LineFramer → classifyLine → Verifier → WAL append (fsync) → ack device → sinks → PUBACK
 *                                                                                        → WAL 'published'
 *
 * Invariants: nothing is acknowledged to a device or published before it is fsynced; nothing that
 * failed verification is ever published; a message leaves the WAL only when every sink has
 * acknowledged it. Frames found in the WAL at start are replayed at a limited rate.
 *
 * Per message the work is synchronous and allocation-light (framing, the envelope scanned in place
 * into one reused object (envelope-scan.ts), HMAC, the WAL record as one string, the PUBLISH as
 * latin1 text for ASCII messages); everything that waits is per group: one durability promise per
 * WAL flush group (commit() acknowledges and hands over the whole group), one sendMany() burst per
 * sink refill (sink-pump.ts), one socket write per burst. Profiling showed the per-message promises, closures and small writes
 * costing more than the HMAC check itself.
 */
import { EventEmitter } from 'node:events';
import type { KeyRegistry } from '../keys.ts';
import { classifyLine } from './classify.ts';
import { LineFramer } from './framer.ts';
import type { Sink } from './sink.ts';
import { SinkPump } from './sink-pump.ts';
import { REJECT_REASONS, Verifier, type AuthenticatedFields, type RejectReason } from './verify.ts';
import type { Wal, WalEntry } from './wal.ts';
import { Fifo } from './fifo.ts';
import { isAscii } from './publish-ascii.ts';

/** Acknowledges (boot, seq) to the device the frame came from. */
export type AckFn = (boot: number, seq: number) => void | Promise<void>;

export interface BridgeOptions {
  keys: KeyRegistry;
  wal: Wal;
  sinks: Sink[];
  maxLine?: number;
  /** Frames per second replayed from the WAL at start (live traffic is not limited). */
  replayRate?: number;
}

export interface BridgeCounters {
  /** Telemetry lines seen (any frame-looking line, valid or not). */
  received: number;
  /** Verified frames acknowledged by every sink. */
  forwarded: number;
  /** Verified frames written to the WAL. */
  accepted: number;
  rejected: Record<RejectReason, number>;
  /** Frames not taken because the WAL was full (the device keeps them and resends). */
  deferred: number;
  /** Retransmissions re-acknowledged (already durable). */
  reacked: number;
  /** Frames recovered from the WAL at start and since forwarded. */
  replayed: number;
  deviceErrors: number;
  /** Non-telemetry console lines ignored (banners, prompts, echo). */
  noise: number;
  /** Sink send failures (each retried). */
  sinkRetries: number;
  /** Acks that could not be written to the device. */
  ackFailures: number;
}

/** What became of one console line. */
export type LineOutcome = 'noise' | 'device-error' | 'rejected' | 'reacked' | 'deferred' | 'accepted' | 'stopped';

export interface InputHandle {
  readonly name: string;
  /** Bytes from the device, any chunking. */
  push(chunk: Uint8Array): void;
  /** Call when the link (re)opens: drops any partial line. */
  reset(): void;
}

/**
 * Frames appended to the WAL in one flush group: they become durable at the same fsync, so they
 * are acknowledged and handed to the sinks together, by one callback (not a promise per frame).
 */
interface DurableGroup {
  entries: WalEntry[];
  acks: AckFn[];
}

export class Bridge extends EventEmitter {
  readonly verifier: Verifier;
  readonly counters: BridgeCounters;
  private readonly sinks: SinkPump[];
  /** Sinks still owing an acknowledgement, per WAL id. */
  private readonly owing = new Map<number, number>();
  private readonly replayQueue = new Fifo<WalEntry>();
  private readonly replayIds = new Set<number>();
  private replayTimer: NodeJS.Timeout | null = null;
  private readonly maxLine: number;
  private readonly replayRate: number;
  private stopped = false;

  constructor(private readonly options: BridgeOptions) {
    super();
    this.maxLine = options.maxLine ?? 1024;
    this.replayRate = options.replayRate ?? 2000;
    this.verifier = new Verifier(options.keys, options.wal.seen, this.maxLine);
    this.counters = {
      received: 0,
      forwarded: 0,
      accepted: 0,
      rejected: Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>,
      deferred: 0,
      reacked: 0,
      replayed: 0,
      deviceErrors: 0,
      noise: 0,
      sinkRetries: 0,
      ackFailures: 0,
    };
    this.sinks = options.sinks.map(
      (sink) =>
        new SinkPump(sink, {
          sent: (entry) => this.settle(entry),
          failed: (error) => {
            this.counters.sinkRetries++;
            this.emit('sink-error', { sink: sink.name, error });
          },
        }),
    );
  }

  get wal(): Wal {
    return this.options.wal;
  }

  /** Starts replaying what the WAL held at open, rate-limited. */
  start(): void {
    for (const entry of this.wal.takeRecovered()) {
      this.replayQueue.push(entry);
      this.replayIds.add(entry.id);
    }
    if (this.replayQueue.length > 0) this.scheduleReplay();
  }

  /** A byte-stream input (serial port, TCP console, virtual board). */
  attach(name: string, ack: AckFn): InputHandle {
    const framer = new LineFramer((line) => void this.handleLine(name, line, ack), this.maxLine, () => this.rejectLine(name, 'overlong'));
    return { name, push: (chunk) => framer.push(chunk), reset: () => framer.reset() };
  }

  /** One console line (also used for MQTT uplinks, where each message is one line). */
  handleLine(src: string, raw: string, ack: AckFn): LineOutcome {
    if (this.stopped) return 'stopped';
    const kind = classifyLine(raw);
    if (kind.type === 'noise') {
      this.counters.noise++;
      return 'noise';
    }
    if (kind.type === 'device-error') {
      this.counters.deviceErrors++;
      this.emit('device-error', { src, message: kind.message });
      return 'device-error';
    }
    const line = kind.line;
    const fields = this.fields;
    const reason = this.verifier.authenticateInto(line, fields);
    if (reason !== null) return this.rejectLine(src, reason, reason === 'unknown-device' || reason === 'forged' ? fields.dev : undefined);
    return this.admit(src, ack, line, fields);
  }

  /** The envelope of the line being handled (one object reused: no verdict objects per line). */
  private readonly fields: AuthenticatedFields = { dev: '', boot: 0, seq: 0, k: '', dJson: '', canonical: false };

  /** A telemetry line that failed before the replay check (an over-long line may have been a frame). */
  private rejectLine(src: string, reason: RejectReason, dev?: string): LineOutcome {
    this.counters.received++;
    this.counters.rejected[reason]++;
    this.emit('rejected', { src, reason, dev });
    return 'rejected';
  }

  /**
   * An authenticated frame (`fields` is the reused scratch: read here, never kept): the replay
   * filter, the WAL bound, then the WAL. The entry carries the line as a JSON string and the payload
   * re-serialised (dJson), both made once for the log and the sinks.
   */
  private admit(src: string, ack: AckFn, line: string, fields: AuthenticatedFields): LineOutcome {
    const { dev, boot, seq } = fields;
    this.counters.received++;
    const seen = this.wal.seen.check(dev, boot, seq);
    if (seen !== 'new') {
      this.counters.rejected.replayed++;
      this.emit('rejected', { src, reason: 'replayed' as RejectReason, dev });
      if (seen === 'stale') return 'rejected';
      // A retransmission (the device never got our ack): durable already, or about to be.
      // Acknowledge once the WAL has caught up; it is never forwarded twice.
      this.wal.barrier().then(
        () => {
          this.counters.reacked++;
          this.sendAck(ack, boot, seq);
        },
        (error: unknown) => this.fail(error),
      );
      return 'reacked';
    }
    const now = Date.now();
    const full = this.wal.fullReason(now);
    if (full) {
      this.counters.deferred++;
      this.emit('deferred', { src, reason: full });
      return 'deferred';
    }
    let appended: ReturnType<Wal['append']>;
    try {
      const ascii = fields.canonical && isAscii(src);
      appended = this.wal.append({ dev, boot, seq, k: fields.k, line, src, at: now, dJson: fields.dJson, lineJson: JSON.stringify(line), ascii });
    } catch (error) {
      this.fail(error);
      return 'stopped';
    }
    this.counters.accepted++;
    const { entry, durable } = appended;
    // Every append until the WAL starts its next flush shares one durability promise: join the
    // group that goes with it, or start a new one.
    let group = this.group;
    if (group === null || durable !== this.groupDurable) {
      const fresh: DurableGroup = { entries: [], acks: [] };
      group = this.group = fresh;
      this.groupDurable = durable;
      durable.then(
        () => this.commit(fresh),
        (error: unknown) => this.fail(error),
      );
    }
    group.entries.push(entry);
    group.acks.push(ack);
    return 'accepted';
  }

  private group: DurableGroup | null = null;
  private groupDurable: Promise<void> | null = null;

  /** A flush group is on disk: acknowledge each frame to its device, then hand them all to the sinks. */
  private commit(group: DurableGroup): void {
    if (this.group === group) {
      this.group = null;
      this.groupDurable = null;
    }
    const { entries, acks } = group;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      this.sendAck(acks[i]!, entry.boot, entry.seq);
      this.emit('accepted', entry);
    }
    this.enqueueMany(entries);
  }

  /** Messages waiting in the WAL for a sink's acknowledgement. */
  get queued(): number {
    return this.wal.pending;
  }

  get replayBacklog(): number {
    return this.replayQueue.length;
  }

  /** Stops taking input and timers; sinks and WAL are closed by their owner. */
  stop(): void {
    this.stopped = true;
    if (this.replayTimer) clearTimeout(this.replayTimer);
    for (const pump of this.sinks) pump.stop();
  }

  private sendAck(ack: AckFn, boot: number, seq: number): void {
    try {
      const result = ack(boot, seq);
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch(() => this.counters.ackFailures++);
      }
    } catch {
      // The device will resend and be re-acknowledged; never let an ack failure stop the bridge.
      this.counters.ackFailures++;
    }
  }

  private enqueueMany(entries: readonly WalEntry[]): void {
    if (this.stopped) return;
    // With one sink (the usual case) its acknowledgement settles the entry: no count to keep.
    if (this.sinks.length > 1) for (const entry of entries) this.owing.set(entry.id, this.sinks.length);
    // Straight away, not on the next loop turn: these frames have just become durable, and every
    // turn waited here is latency added to every message.
    for (const pump of this.sinks) pump.pushMany(entries);
  }

  private settle(entry: WalEntry): void {
    if (this.sinks.length > 1) {
      const left = (this.owing.get(entry.id) ?? 1) - 1;
      if (left > 0) {
        this.owing.set(entry.id, left);
        return;
      }
      this.owing.delete(entry.id);
    }
    this.wal.markPublished(entry.id);
    this.counters.forwarded++;
    if (this.replayIds.delete(entry.id)) this.counters.replayed++;
    this.emit('forwarded', entry);
  }

  /** Moves replayed frames to the sinks at replayRate per second, in 100 ms slices. */
  private scheduleReplay(): void {
    const slice = Math.max(1, Math.round(this.replayRate / 10));
    this.replayTimer = setTimeout(() => {
      this.replayTimer = null;
      // Do not outrun the sinks: hold back while they still have a slice's worth queued.
      const backlog = Math.max(...this.sinks.map((pump) => pump.backlog), 0);
      if (backlog < slice) {
        const batch: WalEntry[] = [];
        for (let i = 0; i < slice && this.replayQueue.length > 0; i++) batch.push(this.replayQueue.shift()!);
        this.enqueueMany(batch);
      }
      if (this.replayQueue.length > 0) this.scheduleReplay();
    }, 100);
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.emit('fatal', error);
  }
}

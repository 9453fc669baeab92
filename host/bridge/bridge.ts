/**
 * The bridge core: console bytes in, verified and durable messages out.
 *
 *   bytes → LineFramer → classifyLine → Verifier → WAL append (fsync) → ack device → sinks → PUBACK
 *                                                                                        → WAL 'published'
 *
 * Invariants: nothing is acknowledged to a device or published before it is fsynced; nothing that
 * failed verification is ever published; a message leaves the WAL only when every sink has
 * acknowledged it. Frames found in the WAL at start are replayed at a limited rate.
 */
import { EventEmitter } from 'node:events';
import type { KeyRegistry } from '../keys.ts';
import { classifyLine } from './classify.ts';
import { LineFramer } from './framer.ts';
import { rememberPayload } from './message.ts';
import type { Sink } from './sink.ts';
import { REJECT_REASONS, Verifier, type RejectReason } from './verify.ts';
import type { Wal, WalEntry } from './wal.ts';
import { Fifo } from './fifo.ts';

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

interface SinkState {
  sink: Sink;
  queue: Fifo<WalEntry>;
  failures: number;
  retryTimer: NodeJS.Timeout | null;
  pumpScheduled: boolean;
}

export class Bridge extends EventEmitter {
  readonly verifier: Verifier;
  readonly counters: BridgeCounters;
  private readonly sinks: SinkState[];
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
    this.sinks = options.sinks.map((sink) => ({ sink, queue: new Fifo<WalEntry>(), failures: 0, retryTimer: null, pumpScheduled: false }));
    // Coalesce refills: every PUBACK frees a slot, but refilling once per I/O turn sends the freed
    // slots' messages in one corked write instead of one syscall per message.
    for (const state of this.sinks) state.sink.on('drain', () => this.schedulePump(state));
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
    const framer = new LineFramer(
      (line) => void this.handleLine(name, line, ack),
      this.maxLine,
      () => {
        // An over-long line may have been a frame: count it as a rejection by reason.
        this.counters.received++;
        this.counters.rejected.overlong++;
        this.emit('rejected', { src: name, reason: 'overlong' as RejectReason });
      },
    );
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
    this.counters.received++;
    const verdict = this.verifier.verify(kind.line);
    if (!verdict.ok) {
      this.counters.rejected[verdict.reason]++;
      this.emit('rejected', { src, reason: verdict.reason, dev: verdict.dev });
      const again = verdict.retransmission;
      if (again) {
        // Durable already (or about to be): acknowledge once the WAL has caught up.
        this.wal.barrier().then(
          () => {
            this.counters.reacked++;
            this.sendAck(ack, again.boot, again.seq);
          },
          (error: unknown) => this.fail(error),
        );
        return 'reacked';
      }
      return 'rejected';
    }
    const full = this.wal.fullReason();
    if (full) {
      this.counters.deferred++;
      this.emit('deferred', { src, reason: full });
      return 'deferred';
    }
    const { envelope, line } = verdict.frame;
    let appended: ReturnType<Wal['append']>;
    try {
      appended = this.wal.append({ dev: envelope.dev, boot: envelope.boot, seq: envelope.seq, k: envelope.k, line, src, at: Date.now() });
    } catch (error) {
      this.fail(error);
      return 'stopped';
    }
    this.counters.accepted++;
    const { entry, durable } = appended;
    rememberPayload(entry, envelope.d ?? null);
    durable.then(
      () => {
        this.sendAck(ack, envelope.boot, envelope.seq);
        this.emit('accepted', entry);
        this.enqueue(entry);
      },
      (error: unknown) => this.fail(error),
    );
    return 'accepted';
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
    for (const state of this.sinks) if (state.retryTimer) clearTimeout(state.retryTimer);
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

  private enqueue(entry: WalEntry): void {
    if (this.stopped) return;
    this.owing.set(entry.id, this.sinks.length);
    for (const state of this.sinks) {
      state.queue.push(entry);
      this.schedulePump(state);
    }
  }

  private schedulePump(state: SinkState): void {
    if (state.pumpScheduled) return;
    state.pumpScheduled = true;
    setImmediate(() => {
      state.pumpScheduled = false;
      this.pump(state);
    });
  }

  private pump(state: SinkState): void {
    if (this.stopped || state.retryTimer) return;
    let room = state.sink.capacity();
    while (room > 0 && state.queue.length > 0) {
      const entry = state.queue.shift()!;
      room--;
      state.sink.send(entry).then(
        () => {
          state.failures = 0;
          this.settle(entry);
        },
        (error: unknown) => {
          state.queue.unshift(entry);
          if ((error as { disconnected?: boolean }).disconnected) {
            // Dropped with the connection: not a failure of this message; it goes out again as
            // soon as the sink reconnects (its 'drain' restarts the pump).
            return;
          }
          this.counters.sinkRetries++;
          state.failures++;
          this.emit('sink-error', { sink: state.sink.name, error });
          this.retryLater(state);
        },
      );
    }
  }

  private retryLater(state: SinkState): void {
    if (state.retryTimer || this.stopped) return;
    const delay = Math.min(30_000, 100 * 2 ** Math.min(state.failures, 9));
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      this.pump(state);
    }, delay);
  }

  private settle(entry: WalEntry): void {
    const left = (this.owing.get(entry.id) ?? 1) - 1;
    if (left > 0) {
      this.owing.set(entry.id, left);
      return;
    }
    this.owing.delete(entry.id);
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
      const backlog = Math.max(...this.sinks.map((s) => s.queue.length), 0);
      if (backlog < slice) {
        for (let i = 0; i < slice && this.replayQueue.length > 0; i++) this.enqueue(this.replayQueue.shift()!);
      }
      if (this.replayQueue.length > 0) this.scheduleReplay();
    }, 100);
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.emit('fatal', error);
  }
}

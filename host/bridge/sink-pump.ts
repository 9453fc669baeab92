/**
 * One sink's side of the bridge: its queue of durable frames, handing them over as fast as the sink
 * takes them (its capacity, e.g. the MQTT in-flight window), and retrying with backoff on failure.
 *
 * Bursts go to the sink in one sendMany() call when it has one (one encode and one socket write
 * per burst, no promise per message); otherwise one send() per frame.
 */
import { Fifo } from './fifo.ts';
import type { SettleFn, Sink } from './sink.ts';
import type { WalEntry } from './wal.ts';

export interface SinkPumpEvents {
  /** The sink acknowledged the frame. */
  sent(entry: WalEntry): void;
  /** A send failed (not a dropped connection): it is retried after a backoff. */
  failed(error: Error): void;
}

export class SinkPump {
  private readonly queue = new Fifo<WalEntry>();
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private stopped = false;
  /** The outcome callback, made once (sendMany takes it for every burst). */
  private readonly settled: SettleFn = (entry, error) => (error ? this.onFailure(entry, error) : this.onSent(entry));

  constructor(
    readonly sink: Sink,
    private readonly events: SinkPumpEvents,
  ) {
    // Every PUBACK chunk frees slots: refill once per I/O turn, in one burst.
    sink.on('drain', () => this.schedule());
  }

  /** Frames waiting to be handed to the sink. */
  get backlog(): number {
    return this.queue.length;
  }

  /** Queues frames and hands over what the sink takes right away (no wait for the next turn). */
  pushMany(entries: readonly WalEntry[]): void {
    for (const entry of entries) this.queue.push(entry);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped || this.retryTimer) return;
    const count = Math.min(this.sink.capacity(), this.queue.length);
    if (count <= 0) return;
    const batch: WalEntry[] = new Array<WalEntry>(count);
    for (let i = 0; i < count; i++) batch[i] = this.queue.shift()!;
    if (this.sink.sendMany) {
      this.sink.sendMany(batch, this.settled);
      return;
    }
    for (const entry of batch) {
      this.sink.send(entry).then(
        () => this.settled(entry, null),
        (error: unknown) => this.settled(entry, error instanceof Error ? error : new Error(String(error))),
      );
    }
  }

  private onSent(entry: WalEntry): void {
    this.failures = 0;
    this.events.sent(entry);
  }

  private onFailure(entry: WalEntry, error: Error): void {
    // Back at the front: it keeps its place (a sink reporting several failures newest first,
    // as MqttPublisher does on a disconnect, gets them back in their original order).
    this.queue.unshift(entry);
    if ((error as { disconnected?: boolean }).disconnected) {
      // Dropped with the connection: not a failure of this message; it goes out again as soon as
      // the sink reconnects (its 'drain' restarts the pump).
      return;
    }
    this.failures++;
    this.events.failed(error);
    if (this.retryTimer || this.stopped) return;
    const delay = Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, delay);
  }
}

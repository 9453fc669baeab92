/**
 * An optional HTTP sink: each message is POSTed as JSON (the same payload as on MQTT). A 2xx answer
 * is the acknowledgement; anything else, or a network error, is retried with exponential backoff
 * by the bridge (the WAL holds the message meanwhile, so retries survive restarts too).
 */
import { EventEmitter } from 'node:events';
import { payloadJson } from './message.ts';
import type { Sink } from './sink.ts';
import type { WalEntry } from './wal.ts';

export interface WebhookOptions {
  url: string;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Extra headers, e.g. an Authorization header read from a secret file. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class WebhookSink extends EventEmitter implements Sink {
  readonly name = 'webhook';
  private inFlight = 0;
  private readonly concurrency: number;
  failures = 0;

  constructor(private readonly options: WebhookOptions) {
    super();
    this.concurrency = options.concurrency ?? 8;
  }

  capacity(): number {
    return Math.max(0, this.concurrency - this.inFlight);
  }

  async send(entry: WalEntry): Promise<void> {
    this.inFlight++;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.options.headers },
        body: payloadJson(entry),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        this.failures++;
        throw new Error(`webhook answered HTTP ${response.status}`);
      }
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('webhook answered'))) this.failures++;
      throw error;
    } finally {
      this.inFlight--;
      this.emit('drain');
    }
  }

  async close(): Promise<void> {}
}

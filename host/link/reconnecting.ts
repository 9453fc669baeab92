/**
 * The part every real link shares: open once, and when the link drops (cable pulled, socket reset),
 * emit `disconnect`, keep retrying in the background, and emit `open` again when it is back —
 * without the consumer having to rebuild anything. Subclasses only know how to make one connection.
 */
import { EventEmitter } from 'node:events';
import { SpruceError } from '../errors.ts';
import type { Transport, TransportEvents, TransportState } from './transport.ts';

/** One live connection made by a subclass. */
export interface Connection {
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
  /** The subclass calls these. */
  onData?: (chunk: Buffer) => void;
  onLost?: (reason: Error) => void;
}

export interface ReconnectOptions {
  /** Keep retrying after a drop (default true). */
  reconnect?: boolean;
  /** Delay between attempts, ms (default 250). */
  retryMs?: number;
  /** Give up after this long without a connection, ms (default: never). */
  giveUpAfterMs?: number;
}

export abstract class ReconnectingTransport extends EventEmitter implements Transport {
  abstract readonly name: string;
  private currentState: TransportState = 'closed';
  private connection: Connection | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lostAt = 0;
  protected readonly options: Required<ReconnectOptions>;

  constructor(options: ReconnectOptions = {}) {
    super();
    this.options = { reconnect: options.reconnect ?? true, retryMs: options.retryMs ?? 250, giveUpAfterMs: options.giveUpAfterMs ?? Infinity };
  }

  /** Makes one connection or throws a SpruceError saying why not. */
  protected abstract connect(): Promise<Connection>;

  get state(): TransportState {
    return this.currentState;
  }

  async open(): Promise<void> {
    if (this.currentState === 'open') return;
    this.currentState = 'opening';
    try {
      this.attach(await this.connect());
    } catch (error) {
      this.currentState = 'closed';
      throw error;
    }
    this.currentState = 'open';
    this.emit('open');
  }

  async write(data: Uint8Array | string): Promise<void> {
    const connection = this.connection;
    if (this.currentState !== 'open' || !connection) {
      throw new SpruceError('E_LINK_DOWN', `${this.name} is ${this.currentState === 'reconnecting' ? 'disconnected (waiting for it to come back)' : 'not open'}`, {
        exit: 'PORT',
        hint: this.currentState === 'reconnecting' ? 'plug the board back in; spruce reconnects by itself' : 'open the link first',
      });
    }
    await connection.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data));
  }

  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.close().catch(() => undefined);
    this.emit('close');
  }

  private attach(connection: Connection): void {
    this.connection = connection;
    connection.onData = (chunk) => {
      if (this.connection === connection) this.emit('data', chunk);
    };
    connection.onLost = (reason) => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      if (this.currentState === 'closed') return;
      this.emit('disconnect', reason);
      if (!this.options.reconnect) {
        this.currentState = 'closed';
        this.emit('close');
        return;
      }
      this.currentState = 'reconnecting';
      this.lostAt = Date.now();
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    this.retryTimer = setTimeout(() => void this.retry(), this.options.retryMs);
  }

  private async retry(): Promise<void> {
    this.retryTimer = undefined;
    if (this.currentState !== 'reconnecting') return;
    try {
      const connection = await this.connect();
      if (this.currentState !== 'reconnecting') {
        await connection.close().catch(() => undefined);
        return;
      }
      this.attach(connection);
      this.currentState = 'open';
      this.emit('open');
    } catch (error) {
      if (this.currentState !== 'reconnecting') return;
      if (Date.now() - this.lostAt > this.options.giveUpAfterMs) {
        this.currentState = 'closed';
        this.emit('error', error as Error);
        this.emit('close');
        return;
      }
      this.scheduleRetry();
    }
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

/**
 * In-memory transports: two ends of a pipe, for unit tests and for wiring the virtual board to a
 * consumer in the same process. A real export (not hidden in tests), per DESIGN.md principle 3.
 * `unplug()` and `replug()` simulate a cable being pulled and pushed back.
 */
import { EventEmitter } from 'node:events';
import { SpruceError } from '../errors.ts';
import type { Transport, TransportEvents, TransportState } from './transport.ts';

export class MemoryTransport extends EventEmitter implements Transport {
  readonly name: string;
  private currentState: TransportState = 'closed';
  peer: MemoryTransport | undefined;
  /** When true the far side has "no cable": writes fail and nothing arrives. */
  private unplugged = false;

  constructor(name = 'memory') {
    super();
    this.name = name;
  }

  get state(): TransportState {
    return this.currentState;
  }

  async open(): Promise<void> {
    if (this.unplugged) {
      throw new SpruceError('E_PORT_MISSING', `${this.name} is not connected`, { exit: 'PORT', hint: 'plug the board in' });
    }
    this.currentState = 'open';
    this.emit('open');
  }

  async write(data: Uint8Array | string): Promise<void> {
    if (this.currentState !== 'open') {
      throw new SpruceError('E_LINK_DOWN', `${this.name} is ${this.currentState === 'reconnecting' ? 'disconnected' : 'not open'}`, { exit: 'PORT', hint: 'open the link first (or wait for it to reconnect)' });
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    const peer = this.peer;
    // Deliver asynchronously, like a real link: the writer never re-enters the reader.
    if (peer && peer.currentState === 'open') setImmediate(() => peer.currentState === 'open' && peer.emit('data', bytes));
  }

  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.emit('close');
  }

  /** Simulates pulling the cable: this end reports a disconnect and goes to `reconnecting`. */
  unplug(): void {
    this.unplugged = true;
    if (this.currentState === 'open') {
      this.currentState = 'reconnecting';
      this.emit('disconnect', new Error('unplugged'));
    }
  }

  /** Simulates pushing the cable back in: a `reconnecting` end opens again. */
  replug(): void {
    this.unplugged = false;
    if (this.currentState === 'reconnecting') {
      this.currentState = 'open';
      this.emit('open');
    }
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

/** Two connected ends: what one writes, the other receives. */
export function createMemoryPair(nameA = 'memory:a', nameB = 'memory:b'): [MemoryTransport, MemoryTransport] {
  const a = new MemoryTransport(nameA);
  const b = new MemoryTransport(nameB);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * A virtual board as a bridge input: its console output is the byte stream, and the bridge's
 * `\x10ack(boot,seq)\n` lines are run in the device (as the REPL would run them) while it is awake.
 *
 * Virtual time runs much faster than real time, but the bridge acknowledges only after a real
 * fsync. So while a frame is on its way to the bridge, the transport holds the board's clock to
 * real time (board.hold()), exactly as a real device waits in its ack window; the hold is released
 * when the ack comes back (or after holdMs of real time, so a lost ack can never stall the board).
 */
import { EventEmitter } from 'node:events';
import { WIRE_PREFIX } from '../../firmware/core/wire.ts';
import type { VirtualBoard } from '../sim/index.ts';
import type { Transport, TransportEvents, TransportState } from '../link/transport.ts';

const ACK_LINE = /\x10?ack\((\d+),(\d+)\)/g;

export class SimTransport extends EventEmitter implements Transport {
  private currentState: TransportState = 'closed';
  private releases: Array<() => void> = [];
  /** Frames printed and not yet acknowledged (the clock is held while > 0). */
  private awaiting = 0;
  private holdTimer: NodeJS.Timeout | null = null;
  private readonly onOutput = (text: string): void => {
    if (this.currentState !== 'open') return;
    const frames = text.split(WIRE_PREFIX).length - 1;
    if (frames > 0) {
      this.awaiting += frames;
      this.holdClock();
    }
    this.emit('data', Buffer.from(text, 'latin1'));
  };
  acksRun = 0;
  acksMissed = 0;

  constructor(
    readonly name: string,
    readonly board: VirtualBoard,
    private readonly holdMs = 1000,
  ) {
    super();
  }

  get state(): TransportState {
    return this.currentState;
  }

  async open(): Promise<void> {
    if (this.currentState === 'open') return;
    this.board.on('output', this.onOutput);
    this.currentState = 'open';
    this.emit('open');
  }

  async write(data: Uint8Array | string): Promise<void> {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    for (const match of text.matchAll(ACK_LINE)) {
      this.awaiting--;
      if (this.board.state === 'awake') {
        // Through the board's event queue, as the REPL runs input between pieces of firmware.
        this.board.postAfter(1, `ack(${match[1]},${match[2]})`, [], 'bridge ack');
        this.acksRun++;
      } else {
        this.acksMissed++; // asleep: the frame stays in the outbox and is sent again next wake
      }
    }
    if (this.awaiting <= 0) this.releaseClock();
  }

  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.board.off('output', this.onOutput);
    this.releaseClock();
    this.currentState = 'closed';
    this.emit('close');
  }

  private holdClock(): void {
    if (this.releases.length === 0) this.releases.push(this.board.hold());
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.releaseClock(), this.holdMs);
  }

  private releaseClock(): void {
    this.awaiting = 0;
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    for (const release of this.releases.splice(0)) release();
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

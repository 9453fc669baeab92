/**
 * One owner per port. The first spruce process that needs a board opens the port and serves it on a
 * Unix socket next to nothing else (`$SPRUCE_RUN_DIR` or `<tmpdir>/spruce-<uid>/`); every other
 * spruce process (flash while monitor runs, the bridge, a REPL) connects to that socket instead of
 * the port. So a port is opened once — no "port busy", no second open pulsing DTR/RTS — and everything
 * the board says reaches every consumer.
 *
 * Why a socket and not a daemon: the owner is just whichever command came first, so there is nothing
 * to install or leave running. When the owner exits while others still use the board, it keeps
 * serving until they are done (it says so); if it dies anyway, a client notices the socket close
 * and takes the port over itself (clients race; the loser of `listen` connects to the winner).
 * The stream on the socket is the raw byte stream of the port, so any consumer speaks the same
 * protocol it would speak to the port.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Transport, TransportEvents, TransportState } from './transport.ts';

export function runDir(): string {
  const dir = process.env.SPRUCE_RUN_DIR ?? join(tmpdir(), `spruce-${userInfo().uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** The socket path for a link name: `/dev/ttyUSB0` -> `<runDir>/dev_ttyUSB0.sock`. */
export function socketPathFor(linkName: string): string {
  return join(runDir(), linkName.replace(/[^A-Za-z0-9.-]+/g, '_').replace(/^_+/, '').slice(0, 80) + '.sock');
}

/**
 * A shared view of a board link. Whether this process owns the port or is a guest of the owner is
 * hidden: the events and write() behave the same.
 */
export class SharedTransport extends EventEmitter implements Transport {
  readonly name: string;
  private currentState: TransportState = 'closed';
  private role: 'none' | 'owner' | 'guest' = 'none';
  private real: Transport | undefined;
  private server: Server | undefined;
  private readonly guests = new Set<Socket>();
  private socket: Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly socketPath: string;
  private readonly guestEvents = new EventEmitter<{ count: [number] }>();

  /** `makeReal` opens the actual port; called only if this process becomes the owner. */
  constructor(
    name: string,
    private readonly makeReal: () => Transport,
    private readonly notice: (message: string) => void = () => undefined,
  ) {
    super();
    this.name = name;
    this.socketPath = socketPathFor(name);
  }

  get state(): TransportState {
    return this.currentState;
  }

  /** 'owner' when this process holds the port, 'guest' when another spruce process does. */
  get mode(): 'none' | 'owner' | 'guest' {
    return this.role;
  }

  async open(): Promise<void> {
    if (this.currentState === 'open') return;
    this.currentState = 'opening';
    try {
      await this.connectSomehow();
    } catch (error) {
      this.currentState = 'closed';
      throw error;
    }
    this.currentState = 'open';
    this.emit('open');
  }

  private async connectSomehow(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await this.tryGuest()) return;
      const outcome = await this.tryOwner();
      if (outcome === 'owner') return;
      // Someone else won the race to own it: connect to them.
    }
    throw new Error(`could not share ${this.name}: the socket ${this.socketPath} is contended`);
  }

  private tryGuest(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection(this.socketPath);
      socket.once('error', () => resolve(false));
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        socket.on('error', () => undefined);
        this.socket = socket;
        this.role = 'guest';
        socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
        socket.once('close', () => this.guestLost());
        resolve(true);
      });
    });
  }

  private guestLost(): void {
    this.socket = undefined;
    if (this.currentState === 'closed') return;
    this.role = 'none';
    this.currentState = 'reconnecting';
    this.emit('disconnect', new Error(`the spruce process sharing ${this.name} went away`));
    const retry = async () => {
      this.retryTimer = undefined;
      if (this.currentState !== 'reconnecting') return;
      try {
        await this.connectSomehow();
        if (this.currentState !== 'reconnecting') return;
        this.currentState = 'open';
        this.emit('open');
      } catch {
        this.retryTimer = setTimeout(() => void retry(), 300);
      }
    };
    this.retryTimer = setTimeout(() => void retry(), 50 + Math.random() * 100);
  }

  private async tryOwner(): Promise<'owner' | 'lost-race'> {
    const server = createServer((guest) => this.addGuest(guest));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') resolve(false);
        else resolve(false);
      });
      server.listen(this.socketPath, () => resolve(true));
    });
    if (!listening) {
      // A socket file exists. If nobody answers on it, it is stale (an owner crashed): remove it.
      if (!(await this.answers())) {
        try {
          unlinkSync(this.socketPath);
        } catch {
          /* raced with someone else */
        }
      }
      return 'lost-race';
    }
    const real = this.makeReal();
    try {
      await real.open();
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw error;
    }
    this.real = real;
    this.server = server;
    this.role = 'owner';
    real.on('data', (chunk) => {
      this.emit('data', chunk);
      for (const guest of this.guests) guest.write(chunk);
    });
    real.on('disconnect', (reason) => {
      this.currentState = 'reconnecting';
      this.emit('disconnect', reason);
    });
    real.on('open', () => {
      this.currentState = 'open';
      this.emit('open');
    });
    real.on('error', (error) => this.emit('error', error));
    real.on('close', () => {
      if (this.currentState !== 'closed') void this.close();
    });
    return 'owner';
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const probe = createConnection(this.socketPath);
      probe.once('error', () => resolve(false));
      probe.once('connect', () => {
        probe.destroy();
        resolve(true);
      });
    });
  }

  private addGuest(guest: Socket): void {
    this.guests.add(guest);
    guest.on('data', (chunk: Buffer) => {
      this.real?.write(chunk).catch(() => undefined);
    });
    guest.on('error', () => undefined);
    guest.once('close', () => {
      this.guests.delete(guest);
      this.guestEvents.emit('count', this.guests.size);
    });
  }

  /** How many other processes are using the port through us. */
  get guestCount(): number {
    return this.guests.size;
  }

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    if (this.role === 'owner' && this.real) return this.real.write(bytes);
    const socket = this.socket;
    if (this.role === 'guest' && socket && this.currentState === 'open') {
      await new Promise<void>((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())));
      return;
    }
    const { SpruceError } = await import('../errors.ts');
    throw new SpruceError('E_LINK_DOWN', `${this.name} is not connected right now`, { exit: 'PORT', hint: 'wait for it to reconnect (plug the board back in)' });
  }

  /**
   * Closes this process's use of the board. An owner with guests keeps serving them until they
   * leave, so closing a monitor never breaks a flash running next to it.
   */
  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.role === 'guest') {
      this.socket?.destroy();
    } else if (this.role === 'owner') {
      if (this.guests.size > 0) {
        this.notice(`still serving ${this.guests.size} other spruce process(es) on ${this.name}; exiting when they finish`);
        await new Promise<void>((resolve) => {
          const check = (count: number) => {
            if (count === 0) {
              this.guestEvents.off('count', check);
              resolve();
            }
          };
          this.guestEvents.on('count', check);
        });
      }
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      await this.real?.close();
    }
    this.role = 'none';
    this.emit('close');
  }

  override on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}

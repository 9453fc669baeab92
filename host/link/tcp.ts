/**
 * A board's console over TCP (Espruino on ESP32 serves it on port 23; the virtual board on any port).
 */
import { createConnection, type Socket } from 'node:net';
import { SpruceError } from '../errors.ts';
import { ReconnectingTransport, type Connection, type ReconnectOptions } from './reconnecting.ts';

export interface TcpTarget {
  host: string;
  port: number;
}

/** Parses `host:port`, `tcp://host:port` or `tcp://host` (port 23, Espruino's telnet console). */
export function parseTcpTarget(text: string): TcpTarget {
  const bare = text.startsWith('tcp://') ? text.slice(6) : text;
  const colon = bare.lastIndexOf(':');
  const host = colon >= 0 ? bare.slice(0, colon) : bare;
  const port = colon >= 0 ? Number(bare.slice(colon + 1)) : 23;
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new SpruceError('E_TCP_TARGET', `"${text}" is not host:port`, { exit: 'USAGE', hint: 'write it as 192.168.1.7:23 or localhost:2323' });
  }
  return { host: host.replace(/^\[|\]$/g, ''), port };
}

export class TcpTransport extends ReconnectingTransport {
  readonly name: string;

  constructor(
    readonly target: TcpTarget,
    options: ReconnectOptions & { connectTimeoutMs?: number } = {},
  ) {
    super(options);
    this.name = `tcp://${target.host}:${target.port}`;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  private readonly connectTimeoutMs: number;

  protected connect(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket: Socket = createConnection({ host: this.target.host, port: this.target.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SpruceError('E_TCP_TIMEOUT', `no answer from ${this.name} within ${this.connectTimeoutMs} ms`, { exit: 'PORT', hint: 'check the address and that the board is on the network' }));
      }, this.connectTimeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new SpruceError('E_TCP_REFUSED', `cannot connect to ${this.name}: ${error.code ?? error.message}`, {
            exit: 'PORT',
            hint: error.code === 'ECONNREFUSED' ? 'nothing listens there: is the board (or `spruce sim --tcp`) running?' : 'check the address and the network',
            cause: error,
          }),
        );
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        const connection: Connection = {
          write: (data) =>
            new Promise((done, fail) => {
              socket.write(data, (error) => (error ? fail(error) : done()));
            }),
          close: () =>
            new Promise((done) => {
              socket.once('close', () => done());
              socket.end();
              setTimeout(() => socket.destroy(), 200).unref();
            }),
        };
        socket.on('data', (chunk: Buffer) => connection.onData?.(chunk));
        socket.on('error', () => undefined);
        socket.once('close', () => connection.onLost?.(new Error(`${this.name} closed the connection`)));
        resolve(connection);
      });
    });
  }
}

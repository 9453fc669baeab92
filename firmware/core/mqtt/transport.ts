/**
 * What the MQTT client is given (ES5): a byte stream opened by a Connector, a Clock for timeouts,
 * and its options. Injected so the same client runs on Espruino's require("net"/"tls"), on the
 * virtual board and in plain Node tests.
 */
import { ConnectOptions } from './codec';

/** What a Connector returns: a byte stream that is opening or open. */
export interface ByteSocket {
  write(bytes: Uint8Array): void;
  /** Closes the stream; onClose follows (at most once). */
  end(): void;
}

/** Callbacks a Connector must call on the socket's events. */
export interface SocketEvents {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  /** The stream closed (for any reason, including a failed connect). Called at most once. */
  onClose(code: string): void;
}

export type Connector = (host: string, port: number, events: SocketEvents) => ByteSocket;

export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Result {
  ok: boolean;
  code?: string;
}

export interface ClientOptions extends ConnectOptions {
  host: string;
  port: number;
  /** TCP connect + CONNACK must finish within this (ms). */
  connectTimeoutMs: number;
  /** A PUBACK/SUBACK/PINGRESP must arrive within this (ms), else the connection is dropped. */
  ackTimeoutMs: number;
}


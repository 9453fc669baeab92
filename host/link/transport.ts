/**
 * One interface for every way of talking to a board: a serial port, a TCP console (Espruino on ESP32
 * serves its console on port 23), a virtual board, or memory (unit tests). Upload, REPL, monitor and
 * the bridge all speak to a board through one Transport, so no two of them ever fight over a port.
 */

export type TransportState = 'closed' | 'opening' | 'open' | 'reconnecting';

export interface TransportEvents {
  /** Bytes from the board, in arrival order. */
  data: (chunk: Buffer) => void;
  /** The link went down (unplug, socket reset). A reconnecting transport will emit `open` again. */
  disconnect: (reason: Error) => void;
  /** The link is (again) usable. Consumers must reset any framing state here. */
  open: () => void;
  /** Closed for good (by close(), or after giving up). */
  close: () => void;
  error: (error: Error) => void;
}

export interface Transport {
  /** A human-readable name: `/dev/ttyUSB0`, `tcp://192.168.1.7:23`, `sim:occupancy#1`, `memory`. */
  readonly name: string;
  readonly state: TransportState;
  open(): Promise<void>;
  /** Resolves when the bytes are handed to the OS (or the peer, for memory/sim). */
  write(data: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
  off<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): this;
}

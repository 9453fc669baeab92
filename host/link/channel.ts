/**
 * The narrow face of a board connection that file transfer needs: evaluate a REPL line, send one
 * packet and wait for its ACK, and hear the packets that come back. EspruinoClient provides it;
 * files.ts depends on this face alone, so the client can use files.ts without a loop between them.
 */
import type { RxDemux } from './rx.ts';

/** Told as bytes go out: how far along an upload is. */
export interface Progress {
  (sentBytes: number, totalBytes: number): void;
}

export interface BoardChannel {
  /** Whether the packet protocol is in use (else REPL lines). */
  readonly usePackets: boolean;
  /** Packet payload size for uploads. */
  readonly chunkSize: number;
  /** How long to wait for an answer, ms. */
  readonly timeoutMs: number;
  /** What the board sends, split into text, ACK/NAK and packets. */
  readonly rx: RxDemux;
  /** REPL-line evaluation: the expression's JSON value. */
  evalLine(expression: string, timeoutMs?: number): Promise<unknown>;
  /** Sends one packet and waits for its ACK; retries on NAK up to `retries` times. */
  sendPacket(type: number, data: Buffer | string, what: string, retries?: number): Promise<void>;
}

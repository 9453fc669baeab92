/**
 * An output of the bridge. A frame is marked published in the WAL only when every sink has
 * acknowledged it; a sink that fails is retried (the WAL keeps the frame meanwhile).
 */
import type { EventEmitter } from 'node:events';
import type { WalEntry } from './wal.ts';

export interface Sink extends EventEmitter {
  readonly name: string;
  /** How many more messages it accepts right now (0 while disconnected or saturated). */
  capacity(): number;
  /** Resolves when the destination acknowledged the message; rejects to ask for a retry. */
  send(entry: WalEntry): Promise<void>;
  close(): Promise<void>;
  /** Emitted ('drain') whenever capacity may have grown. */
}

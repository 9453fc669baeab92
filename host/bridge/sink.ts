/**
 * An output of the bridge. A frame is marked published in the WAL only when every sink has
 * acknowledged it; a sink that fails is retried (the WAL keeps the frame meanwhile).
 */
import type { EventEmitter } from 'node:events';
import type { WalEntry } from './wal.ts';

/** One message's outcome: error null when the destination acknowledged it. */
export type SettleFn = (entry: WalEntry, error: Error | null) => void;

export interface Sink extends EventEmitter {
  readonly name: string;
  /** How many more messages it accepts right now (0 while disconnected or saturated). */
  capacity(): number;
  /** Resolves when the destination acknowledged the message; rejects to ask for a retry. */
  send(entry: WalEntry): Promise<void>;
  /**
   * Optional batch form of send(), for high-rate sinks: hands over several entries at once and
   * reports each outcome through `settled` (error null = acknowledged). No promise per message.
   */
  sendMany?(entries: readonly WalEntry[], settled: SettleFn): void;
  close(): Promise<void>;
  /** Emitted ('drain') whenever capacity may have grown. */
}

/** The MQTT output, whichever client implements it (MqttPublisher, or MqttSink for WebSockets). */
export interface BrokerSink extends Sink {
  readonly connected: boolean;
  readonly protocolVersion: 5 | 4;
  readonly inFlightCount: number;
  readonly connects: number;
  readonly lastError: string | null;
  /** Connects; resolves on the first CONNACK, rejects (E_BROKER_UNREACHABLE) after timeoutMs. */
  start(timeoutMs?: number): Promise<void>;
}

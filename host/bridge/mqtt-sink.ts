/**
 * The MQTT output: QoS 1 publishes, resolved on PUBACK.
 *
 * Why this cannot silently drop when more than 65,535 messages are queued: MQTT packet ids are 16
 * bits, and MQTT.js's default provider just wraps around (a second message with the id of one still
 * in flight overwrites it). The queue here is the WAL, not MQTT.js: the bridge hands the client at
 * most `window` messages at a time (capped by the broker's Receive Maximum under MQTT 5), and the
 * client uses WindowedMessageIdProvider (message-ids.ts), which never hands out an id that is still
 * in flight.
 * So however long the outage, at most `window` ids are ever in use.
 */
import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { WindowedMessageIdProvider } from './message-ids.ts';
import { SpruceError } from '../errors.ts';
import { payloadJson, topicFor } from './message.ts';
import type { Sink } from './sink.ts';
import type { WalEntry } from './wal.ts';

export interface MqttSinkOptions {
  url: string;
  /** MQTT.js options (TLS, credentials, ALPN...). clientId/clean/protocol are filled in if absent. */
  clientOptions?: IClientOptions;
  /** 5, 4 (3.1.1) or 'auto': try 5, fall back to 3.1.1 if the broker refuses it. */
  protocol?: 5 | 4 | 'auto';
  /** Messages in flight at once (below 65,535). */
  window?: number;
  topicPrefix?: string;
  /** Overrides topic building (cloud presets with fixed topics). */
  topic?: (entry: WalEntry) => string;
  /** Called before every (re)connect, e.g. to renew a SAS token. */
  refreshCredentials?: () => { username?: string; password?: string };
  /** Renew credentials and reconnect this often (ms), before they expire. */
  renewEveryMs?: number;
}

export const MAX_WINDOW = 65_000;

export class MqttSink extends EventEmitter implements Sink {
  readonly name = 'mqtt';
  private client: MqttClient | null = null;
  private inFlight = 0;
  private protocol: 5 | 4;
  private serverReceiveMaximum = Infinity;
  private readonly window: number;
  private renewTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Times the client got a CONNACK (1 = the first connect). */
  connects = 0;
  lastError: string | null = null;

  constructor(private readonly options: MqttSinkOptions) {
    super();
    this.window = Math.min(options.window ?? 1000, MAX_WINDOW);
    if (!(this.window >= 1)) throw new SpruceError('E_USAGE', `--window must be 1..${MAX_WINDOW}`, { exit: 'USAGE' });
    this.protocol = options.protocol === 4 ? 4 : 5;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get protocolVersion(): 5 | 4 {
    return this.protocol;
  }

  /** How many more messages may be handed over now. */
  capacity(): number {
    if (!this.connected) return 0;
    return Math.max(0, Math.min(this.window, this.serverReceiveMaximum) - this.inFlight);
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Connects; resolves on the first CONNACK, rejects if the broker cannot be reached in time. */
  start(timeoutMs = 10_000): Promise<void> {
    this.connectClient();
    return firstConnect(this, timeoutMs, this.options.url, () => this.lastError);
  }

  send(entry: WalEntry): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('not connected'));
    this.inFlight++;
    this.corkBriefly(client);
    const payload = payloadJson(entry);
    const topic = this.options.topic ? this.options.topic(entry) : topicFor(entry, this.options.topicPrefix);
    const publishOptions: mqtt.IClientPublishOptions = { qos: 1 };
    if (this.protocol === 5) {
      publishOptions.properties = {
        userProperties: { dev: entry.dev, boot: String(entry.boot), seq: String(entry.seq) },
        contentType: 'application/json',
      };
    }
    return new Promise<void>((resolve, reject) => {
      client.publish(topic, payload, publishOptions, (error, packet) => {
        this.inFlight--;
        // MQTT 5 PUBACK reason codes >= 0x80 are failures (MQTT.js reports them as errors too).
        const reason = (packet as { reasonCode?: number } | undefined)?.reasonCode;
        if (error) reject(error);
        else if (reason !== undefined && reason >= 0x80) reject(new Error(`PUBACK reason code 0x${reason.toString(16)}`));
        else resolve();
        this.emit('drain');
      });
    });
  }

  /**
   * The bridge hands over messages in bursts (one per freed window slot, many per tick). Corking the
   * socket until the end of the tick turns a burst into one write instead of one syscall each.
   */
  private corkBriefly(client: MqttClient): void {
    const stream = client.stream as (NodeJS.WritableStream & { cork?: () => void; uncork?: () => void; writableCorked?: number }) | undefined;
    if (!stream?.cork || this.corked) return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork?.();
    });
  }

  private corked = false;

  async close(): Promise<void> {
    this.closed = true;
    if (this.renewTimer) clearInterval(this.renewTimer);
    const client = this.client;
    if (!client) return;
    await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
  }

  private connectClient(): void {
    const base = this.options.clientOptions ?? {};
    const options: IClientOptions = {
      clientId: `spruce-bridge-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: true,
      reconnectPeriod: 500,
      connectTimeout: 5_000,
      keepalive: 15,
      ...base,
      protocolVersion: this.protocol,
      messageIdProvider: new WindowedMessageIdProvider(),
    };
    const fresh = this.options.refreshCredentials?.();
    if (fresh) Object.assign(options, fresh);
    const client = mqtt.connect(this.options.url, options);
    this.client = client;
    client.on('connect', (connack) => {
      // Small packets, latency matters: no Nagle delay.
      (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
      this.connects++;
      this.lastError = null;
      const receiveMaximum = connack.properties?.receiveMaximum;
      this.serverReceiveMaximum = typeof receiveMaximum === 'number' && receiveMaximum > 0 ? receiveMaximum : Infinity;
      this.emit('connect');
      this.emit('drain');
    });
    client.on('close', () => this.emit('disconnect'));
    client.on('reconnect', () => {
      const renewed = this.options.refreshCredentials?.();
      if (renewed) Object.assign(client.options, renewed);
    });
    client.on('error', (error) => {
      this.lastError = error.message;
      // A 3.1.1-only broker (aedes, old mosquitto) refuses protocol 5: retry once with 3.1.1.
      const code = (error as { code?: number }).code;
      if (this.options.protocol === 'auto' && this.protocol === 5 && this.connects === 0 && (code === 1 || code === 132 || /protocol/i.test(error.message))) {
        this.protocol = 4;
        client.end(true);
        this.connectClient();
        return;
      }
      this.emit('warning', error);
    });
    if (this.options.renewEveryMs && !this.renewTimer) {
      // Renew before expiry: drop the connection; the reconnect handler installs fresh credentials,
      // and MQTT.js resends whatever was in flight.
      this.renewTimer = setInterval(() => {
        if (!this.closed && this.client) this.client.stream?.destroy();
      }, this.options.renewEveryMs);
      this.renewTimer.unref();
    }
  }
}

/**
 * Resolves on the sink's first 'connect' (CONNACK); after `timeoutMs` without one, rejects with
 * E_BROKER_UNREACHABLE naming the broker and the last connection error seen by then.
 */
export function firstConnect(sink: EventEmitter, timeoutMs: number, url: string, lastError: () => string | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sink.off('connect', onConnect);
      const error = lastError();
      reject(
        new SpruceError('E_BROKER_UNREACHABLE', `cannot connect to the MQTT broker ${redactUrl(url)}${error ? `: ${error}` : ''}`, {
          hint: 'check the --mqtt URL, that the broker runs, and credentials/certificates',
          exit: 'NETWORK',
        }),
      );
    }, timeoutMs);
    const onConnect = (): void => {
      clearTimeout(timer);
      resolve();
    };
    sink.once('connect', onConnect);
  });
}

/** Removes user:password from a URL before it is shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

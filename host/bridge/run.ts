/**
 * Assembles a running bridge from a plain config: WAL, key registry, sinks (MQTT broker — embedded
 * aedes by default — and optionally a webhook), and inputs. Used by `spruce bridge`, `spruce demo`,
 * the tests and the benchmark, so all of them exercise the same wiring.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { SerialTransport } from '../link/serial.ts';
import { TcpTransport, parseTcpTarget } from '../link/tcp.ts';
import type { Transport } from '../link/transport.ts';
import { loadKeyRegistry, type KeyRegistry } from '../keys.ts';
import { SpruceError } from '../errors.ts';
import { Bridge } from './bridge.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';
import { attachTransport, attachUplink, type RunningInput } from './inputs.ts';
import { MqttPublisher } from './mqtt-publisher.ts';
import { MqttSink, type MqttSinkOptions } from './mqtt-sink.ts';
import type { BrokerSink, Sink } from './sink.ts';
import { Wal, type WalOptions } from './wal.ts';
import { WebhookSink, type WebhookOptions } from './webhook-sink.ts';

export interface BridgeConfig {
  walDir: string;
  wal?: WalOptions;
  /** A key registry, or the path of one (default: host/keys.ts's default path). */
  keys?: KeyRegistry | string;
  /** The output broker; absent: an embedded aedes broker on embeddedPort. */
  mqtt?: Omit<MqttSinkOptions, 'window'>;
  embeddedPort?: number;
  webhook?: WebhookOptions;
  ports?: string[];
  tcp?: string[];
  /** Transports made by the caller (virtual boards). */
  transports?: Transport[];
  uplinks?: string[];
  window?: number;
  replayRate?: number;
  maxLine?: number;
  /** Give up if the broker cannot be reached at start within this many ms. */
  connectTimeoutMs?: number;
  /** Keep going when a serial port is missing at start (it is opened when it appears). */
  waitForPorts?: boolean;
}

export interface RunningBridge {
  bridge: Bridge;
  wal: Wal;
  mqtt: BrokerSink;
  embedded: EmbeddedBroker | null;
  inputs: RunningInput[];
  /** The broker URL messages go to. */
  brokerUrl: string;
  close(): Promise<void>;
}

export async function startBridge(config: BridgeConfig): Promise<RunningBridge> {
  const keys = typeof config.keys === 'object' ? config.keys : loadKeyRegistry(config.keys);
  const wal = await Wal.open(config.walDir, config.wal);
  const cleanups: Array<() => Promise<void>> = [() => wal.close()];
  const closeAll = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    let embedded: EmbeddedBroker | null = null;
    let mqttOptions = config.mqtt;
    if (!mqttOptions) {
      embedded = await startEmbeddedBroker(config.embeddedPort ?? 1883);
      const broker = embedded;
      cleanups.push(() => broker.close());
      mqttOptions = { url: embedded.url, protocol: 4 };
    }
    const mqttSink = makeBrokerSink({ ...mqttOptions, window: config.window });
    const sinks: Sink[] = [mqttSink];
    if (config.webhook) sinks.push(new WebhookSink(config.webhook));
    const bridge = new Bridge({ keys, wal, sinks, maxLine: config.maxLine, replayRate: config.replayRate });
    cleanups.push(async () => {
      bridge.stop();
      for (const sink of sinks) await sink.close();
    });
    await mqttSink.start(config.connectTimeoutMs ?? 10_000);

    const inputs: RunningInput[] = [];
    cleanups.push(async () => {
      for (const input of inputs) await input.close().catch(() => undefined);
    });
    const transports: Transport[] = [
      ...(config.ports ?? []).map((path) => new SerialTransport(path, { retryMs: 100 })),
      ...(config.tcp ?? []).map((target) => new TcpTransport(parseTcpTarget(target), { retryMs: 250 })),
      ...(config.transports ?? []),
    ];
    for (const transport of transports) {
      inputs.push(attachTransport(bridge, transport));
      try {
        await transport.open();
      } catch (error) {
        if (!config.waitForPorts || !(transport instanceof SerialTransport)) throw error;
        bridge.emit('input-error', { src: transport.name, error });
        retryOpen(transport);
      }
    }
    for (const url of config.uplinks ?? []) {
      const clientId = `spruce-uplink-${createHash('sha256').update(`${resolve(config.walDir)} ${url}`).digest('hex').slice(0, 12)}`;
      inputs.push(attachUplink(bridge, { url, clientId }));
    }
    bridge.start();
    return {
      bridge,
      wal,
      mqtt: mqttSink,
      embedded,
      inputs,
      brokerUrl: mqttOptions.url,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The lean publisher for mqtt:// and mqtts://; MQTT.js for WebSocket URLs. */
export function makeBrokerSink(options: MqttSinkOptions): BrokerSink {
  return /^wss?:/.test(options.url) ? new MqttSink(options) : new MqttPublisher(options);
}

/** Keeps trying to open a port that was missing at start (until it is closed). */
function retryOpen(transport: Transport): void {
  const timer = setInterval(() => {
    if (transport.state === 'open') return clearInterval(timer);
    transport.open().then(
      () => clearInterval(timer),
      () => undefined,
    );
  }, 500);
  timer.unref();
  transport.on('close', () => clearInterval(timer));
}

/** Throws a clear error when the key registry has no devices (nothing could ever verify). */
export function requireKeys(keys: KeyRegistry, path: string): void {
  if (Object.keys(keys).length === 0) {
    throw new SpruceError('E_NO_KEYS', `the key registry ${path} has no devices, so every frame would be rejected`, {
      hint: 'provision devices first (`spruce flash` records their keys), or point --keys at the right file',
      exit: 'BAD_INPUT',
    });
  }
}

/**
 * Shared by test/device-mqtt-*.test.ts: the mqtt-probe app (firmware/apps/mqtt-probe) built by the real build
 * pipeline and run on the virtual board, whose require("net") reaches a real mosquitto on
 * loopback; and a watcher that reads what the broker delivers and checks it like a consumer
 * would (HMAC with the device key, de-duplication on (dev, boot, seq)).
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach } from 'vitest';
import { Mosquitto } from '../support/mosquitto.ts';
import { buildSource } from '../../host/build/index.ts';
import { VirtualBoard } from '../../host/sim/index.ts';
import { networkOf } from '../../host/sim/modules/board-network.ts';
import { splitFrame } from '../../firmware/core/wire.ts';
import { projectRoot } from '../../host/paths.ts';

export const DEV = 'probe-1';
export const KEY_HEX = '5a'.repeat(32);

let bundle: Promise<string> | undefined;

/** The probe app's bundle (built once per test file). */
export function probeBundle(): Promise<string> {
  bundle ??= buildSource({ entry: join(projectRoot(), 'firmware', 'apps', 'mqtt-probe', 'main.ts') }, 'virtual').then((r) => r.code);
  return bundle;
}

export interface ProbeWake {
  boot: number;
  interval: number;
  send: boolean;
  ok: string;
  sent: number;
  applied: number;
  connects: number;
  code: string;
}

/** A virtual board with the probe installed and provisioned for the broker on `port` (TLS: the CA's PEM). */
export async function probeBoard(port: number, tlsCaPem?: string): Promise<{ board: VirtualBoard; wakes: ProbeWake[] }> {
  const board = new VirtualBoard();
  const wakes: ProbeWake[] = [];
  board.on('output', (text: string) => {
    for (const line of text.split('\n')) {
      if (!line.startsWith('probe boot=')) continue;
      const f = Object.fromEntries(line.slice(6).trim().split(' ').map((kv) => kv.split('=')));
      wakes.push({
        boot: Number(f.boot), interval: Number(f.interval), send: f.send === 'true', ok: f.ok, sent: Number(f.sent),
        applied: Number(f.applied), connects: Number(f.connects), code: f.code ?? '',
      });
    }
  });
  board.install({
    bundle: await probeBundle(),
    files: {
      'spruce.dev': JSON.stringify({ id: DEV, key: KEY_HEX }),
      'spruce.net': JSON.stringify({ ssid: 'lab', pass: 'secret', host: '127.0.0.1', port, ...(tlsCaPem ? { tls: true, caFile: 'spruce.ca' } : {}) }),
      ...(tlsCaPem ? { 'spruce.ca': tlsCaPem } : {}),
    },
  });
  networkOf(board);
  return { board, wakes };
}

/**
 * For a test file: registers an afterEach that closes what each session opened, and returns the
 * function a test calls for a fresh mosquitto, a started watcher and a provisioned probe board.
 */
export function probeSessions(): () => Promise<{ broker: Mosquitto; watcher: Watcher; board: VirtualBoard; wakes: ProbeWake[] }> {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return async () => {
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.close());
    const watcher = new Watcher(broker.port);
    await watcher.start();
    cleanups.push(() => watcher.stop());
    const { board, wakes } = await probeBoard(broker.port);
    cleanups.push(() => networkOf(board).dispose());
    return { broker, watcher, board, wakes };
  };
}

/** Frames still in the board's outbox (files named sp.o...). */
export function outboxFiles(board: VirtualBoard): string[] {
  return board.storage.list().filter((name: string) => name.startsWith('sp.o'));
}

/** A persistent QoS 1 consumer of spruce/<dev>/up and /ack. */
export class Watcher {
  readonly lines: string[] = [];
  readonly acks: string[] = [];
  readonly ids = new Map<string, number>();
  invalid: string[] = [];
  private client!: MqttClient;
  private waiters: { count: number; resolve: () => void }[] = [];
  onLine?: (count: number) => void;

  constructor(
    private readonly port: number,
    private readonly caPem?: string,
  ) {}

  async start(): Promise<void> {
    this.client = mqtt.connect(`${this.caPem ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`, {
      ...(this.caPem ? { ca: this.caPem } : {}),
      clientId: `watcher-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 100,
      connectTimeout: 2000,
    });
    this.client.on('message', (topic, payload) => this.receive(topic, payload.toString('latin1')));
    await new Promise<void>((resolve, reject) => {
      this.client.once('connect', () => resolve());
      this.client.once('error', reject);
    });
    await this.client.subscribeAsync([`spruce/${DEV}/up`, `spruce/${DEV}/ack`], { qos: 1 });
  }

  private receive(topic: string, payload: string): void {
    if (topic.endsWith('/ack')) {
      this.acks.push(payload);
      return;
    }
    this.lines.push(payload);
    const frame = splitFrame(payload);
    const expected = frame && createHmac('sha256', Buffer.from(KEY_HEX, 'hex')).update(Buffer.from(frame.json, 'latin1')).digest('hex');
    if (!frame || frame.hmac !== expected) {
      this.invalid.push(payload);
    } else {
      const env = JSON.parse(frame.json) as { dev: string; boot: number; seq: number };
      const id = `${env.dev}/${env.boot}/${env.seq}`;
      this.ids.set(id, (this.ids.get(id) ?? 0) + 1);
    }
    this.onLine?.(this.ids.size);
    this.waiters = this.waiters.filter((w) => (this.ids.size >= w.count ? (w.resolve(), false) : true));
  }

  /** Resolves once `count` distinct (dev, boot, seq) have arrived. */
  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.ids.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.ids.size} of ${count} readings arrived`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Resolves once `count` acks have arrived (the device published them before its session ended). */
  async waitAcks(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.acks.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.acks.length} of ${count} acks arrived`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Publishes a retained command to the device's mailbox, as a host would. */
  async command(payload: string): Promise<void> {
    await this.client.publishAsync(`spruce/${DEV}/down`, payload, { qos: 1, retain: true });
  }

  /** What a fresh subscriber finds retained in the mailbox (empty string: nothing). */
  async retainedCommand(): Promise<string> {
    const probe = await mqtt.connectAsync(`mqtt://127.0.0.1:${this.port}`, { protocolVersion: 4, reconnectPeriod: 0 });
    let got = '';
    probe.on('message', (_t, p) => (got = p.toString('latin1')));
    await probe.subscribeAsync(`spruce/${DEV}/down`, { qos: 1 });
    // Barrier: the broker sends a retained message right after the SUBACK, so it is in before the
    // PUBACK of a publish made now (one connection delivers in order).
    await probe.publishAsync(`spruce/${DEV}/barrier`, '', { qos: 1 });
    await probe.endAsync();
    return got;
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}

import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asciiJson, formatFrame } from '../../firmware/core/wire.ts';
import mqtt from 'mqtt';
import { Bridge } from './bridge.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { attachUplink } from './inputs.ts';
import type { Sink } from './sink.ts';
import { Wal } from './wal.ts';
import type { WalEntry } from './wal.ts';

const KEY = '11'.repeat(32);
const frame = (seq: number, boot = 1): string => {
  const json = asciiJson({ dev: 'd1', boot, seq, k: 'r', d: { v: seq } });
  return formatFrame(json, createHmac('sha256', Buffer.from(KEY, 'hex')).update(json, 'latin1').digest('hex'));
};

/** A sink under the test's control: offline until opened; acknowledges at once when online. */
class FakeSink extends EventEmitter implements Sink {
  readonly name = 'fake';
  online = false;
  sent: WalEntry[] = [];
  capacity(): number {
    return this.online ? 100 : 0;
  }
  async send(entry: WalEntry): Promise<void> {
    this.sent.push(entry);
  }
  open(): void {
    this.online = true;
    this.emit('drain');
  }
  async close(): Promise<void> {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'spruce-bridge-unit-'));
  dirs.push(dir);
  return dir;
};
const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
};

describe('Bridge', () => {
  it('acknowledges only after the WAL is durable, and publishes after that', async () => {
    const wal = await Wal.open(tempDir());
    const sink = new FakeSink();
    const bridge = new Bridge({ keys: { d1: KEY }, wal, sinks: [sink] });
    const acks: string[] = [];
    bridge.handleLine('p', frame(0), (b, s) => void acks.push(`${b}:${s}`));
    expect(acks).toEqual([]); // not yet fsynced
    await wal.barrier();
    await until(() => acks.length === 1);
    expect(wal.stats.fsyncs).toBeGreaterThan(0);
    expect(sink.sent).toEqual([]); // broker offline: kept in the WAL
    sink.open();
    await until(() => bridge.counters.forwarded === 1);
    expect(wal.pending).toBe(0);
    await wal.close();
  });

  it('re-acknowledges a retransmission without forwarding it twice', async () => {
    const wal = await Wal.open(tempDir());
    const sink = new FakeSink();
    sink.online = true;
    const bridge = new Bridge({ keys: { d1: KEY }, wal, sinks: [sink] });
    const acks: string[] = [];
    bridge.handleLine('p', frame(5), (b, s) => void acks.push(`${b}:${s}`));
    bridge.handleLine('p', frame(5), (b, s) => void acks.push(`${b}:${s}`));
    await until(() => acks.length === 2 && bridge.counters.forwarded === 1);
    expect(bridge.counters.rejected.replayed).toBe(1);
    expect(bridge.counters.reacked).toBe(1);
    expect(sink.sent.length).toBe(1);
    await wal.close();
  });

  it('when the WAL is full, stops acknowledging (devices keep their frames) and resumes once drained', async () => {
    const wal = await Wal.open(tempDir(), { maxBytes: 600 });
    const sink = new FakeSink();
    const bridge = new Bridge({ keys: { d1: KEY }, wal, sinks: [sink] });
    const acks = new Set<number>();
    for (let seq = 0; seq < 10; seq++) bridge.handleLine('p', frame(seq), (_b, s) => void acks.add(s));
    await wal.barrier();
    await new Promise((r) => setTimeout(r, 20));
    expect(bridge.counters.deferred).toBeGreaterThan(0);
    expect(acks.size).toBe(bridge.counters.accepted);
    expect(acks.size).toBeLessThan(10);
    sink.open();
    await until(() => wal.pending === 0);
    for (let seq = 0; seq < 10; seq++) if (!acks.has(seq)) bridge.handleLine('p', frame(seq), (_b, s) => void acks.add(s)); // the device resends
    await until(() => acks.size === 10 && bridge.counters.forwarded === 10);
    await wal.close();
  });

  it('replays what the WAL held at start, counted as replayed, and rejects replays after a restart', async () => {
    const dir = tempDir();
    const first = await Wal.open(dir);
    const offline = new FakeSink();
    const a = new Bridge({ keys: { d1: KEY }, wal: first, sinks: [offline] });
    for (let seq = 0; seq < 5; seq++) a.handleLine('p', frame(seq), () => {});
    await first.barrier();
    await first.close(); // "crash" with 5 frames unpublished

    const wal = await Wal.open(dir);
    const sink = new FakeSink();
    sink.online = true;
    const b = new Bridge({ keys: { d1: KEY }, wal, sinks: [sink], replayRate: 1000 });
    b.start();
    await until(() => b.counters.replayed === 5);
    expect(sink.sent.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    b.handleLine('p', frame(3), () => {});
    expect(b.counters.rejected.replayed).toBe(1);
    b.stop();
    await wal.close();
  });

  it('counts device errors, noise and over-long lines from a byte stream', async () => {
    const wal = await Wal.open(tempDir());
    const bridge = new Bridge({ keys: { d1: KEY }, wal, sinks: [new FakeSink()], maxLine: 300 });
    const input = bridge.attach('p', () => {});
    input.push(Buffer.from(`ets Jun  8 2016\r\nUncaught Error: x\r\n${'z'.repeat(400)}\r\n>\r\x1b[J${frame(0)}\r\n>`));
    await wal.barrier();
    expect(bridge.counters).toMatchObject({ deviceErrors: 1, noise: 1, accepted: 1 });
    expect(bridge.counters.rejected.overlong).toBe(1);
    await wal.close();
  });

  it('an MQTT uplink message refused while the WAL is full is taken as soon as there is room, not after a redelivery', async () => {
    const edge = await startEmbeddedBroker(0);
    const wal = await Wal.open(tempDir(), { maxBytes: 600 });
    const sink = new FakeSink();
    const bridge = new Bridge({ keys: { d1: KEY }, wal, sinks: [sink] });
    const subscribed = new Promise<void>((resolve) => edge.broker.once('subscribe', () => resolve()));
    // A keepalive far beyond the test's wait: a held message must not depend on a reconnect.
    const uplink = attachUplink(bridge, { url: edge.url, clientOptions: { keepalive: 600 } });
    await subscribed;
    const device = await mqtt.connectAsync(edge.url, { clientId: 'device-d1' });
    try {
      for (let seq = 0; seq < 10; seq++) await device.publishAsync('spruce/d1/up', frame(seq), { qos: 1 });
      await until(() => bridge.counters.deferred > 0);
      expect(bridge.counters.accepted).toBeLessThan(10);
      sink.open(); // the broker is back: the WAL drains, and the held message gets in
      await until(() => bridge.counters.forwarded === 10);
      expect(sink.sent.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    } finally {
      await device.endAsync();
      await uplink.close();
      bridge.stop();
      await wal.close();
      await edge.close();
    }
  });
});


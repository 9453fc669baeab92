/**
 * Outputs and inputs beyond serial: the webhook sink with retries (a real HTTP server that fails at
 * first), and MQTT uplinks from Wi-Fi devices on an edge broker (aedes), PUBACKed only once durable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../host/bridge/embedded-broker.ts';
import { MqttPublisher } from '../host/bridge/mqtt-publisher.ts';
import { MqttSink } from '../host/bridge/mqtt-sink.ts';
import { startBridge } from '../host/bridge/run.ts';
import { generateKey } from '../host/keys.ts';
import { DeviceSim } from './support/device-sim.ts';
import { sleep } from './support/mosquitto.ts';
import { RecordingSubscriber } from './support/subscriber.ts';

const dir = mkdtempSync(join(tmpdir(), 'spruce-sinks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bridge sinks and uplinks', () => {
  it('webhook: retries until 2xx, and MQTT still gets every message once', async () => {
    const key = generateKey();
    const received = new Map<string, number>();
    let requests = 0;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests++;
        if (requests % 3 !== 0) {
          res.writeHead(503).end(); // fails twice out of three
          return;
        }
        const m = JSON.parse(body) as { dev: string; boot: number; seq: number };
        const id = `${m.dev}:${m.boot}:${m.seq}`;
        received.set(id, (received.get(id) ?? 0) + 1);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address() as { port: number };
    const running = await startBridge({ walDir: join(dir, 'wal-webhook'), keys: { w1: key }, embeddedPort: 0, webhook: { url: `http://127.0.0.1:${address.port}/in`, concurrency: 4 } });
    const subscriber = new RecordingSubscriber(running.brokerUrl, { w1: key }, 4);
    await subscriber.start();
    try {
      for (let seq = 0; seq < 40; seq++) running.bridge.handleLine('t', DeviceSim.frame(key, { dev: 'w1', boot: 1, seq, k: 'r', d: {} }), () => {});
      const deadline = Date.now() + 30_000;
      while ((received.size < 40 || running.bridge.queued > 0) && Date.now() < deadline) await sleep(50);
      expect(received.size).toBe(40);
      expect(running.bridge.counters.sinkRetries).toBeGreaterThan(0);
      expect(running.bridge.queued).toBe(0); // published only after both sinks acknowledged
      await sleep(200);
      expect(subscriber.seen.size).toBe(40);
    } finally {
      await subscriber.close();
      await running.close();
      server.close();
    }
  });

  it('uplink: Wi-Fi devices publishing to spruce/<dev>/up on an edge broker are verified and forwarded', async () => {
    const key = generateKey();
    const edge = await startEmbeddedBroker(0);
    const running = await startBridge({ walDir: join(dir, 'wal-uplink'), keys: { wifi1: key }, embeddedPort: 0, uplinks: [edge.url] });
    const subscriber = new RecordingSubscriber(running.brokerUrl, { wifi1: key }, 4);
    await subscriber.start();
    const device = await mqtt.connectAsync(edge.url, { clientId: 'wifi1', protocolVersion: 4 });
    try {
      await sleep(300); // the bridge's uplink subscription
      for (let seq = 0; seq < 20; seq++) {
        await device.publishAsync('spruce/wifi1/up', DeviceSim.frame(key, { dev: 'wifi1', boot: 3, seq, k: 'r', d: { v: seq } }), { qos: 1 });
      }
      await device.publishAsync('spruce/wifi1/up', DeviceSim.frame(generateKey(), { dev: 'wifi1', boot: 3, seq: 99, k: 'r', d: {} }), { qos: 1 }); // forged
      await device.publishAsync('spruce/wifi1/up', DeviceSim.frame(key, { dev: 'wifi1', boot: 3, seq: 0, k: 'r', d: { v: 0 } }), { qos: 1 }); // replay
      const deadline = Date.now() + 10_000;
      while (subscriber.seen.size < 20 && Date.now() < deadline) await sleep(50);
      expect(subscriber.seen.size).toBe(20);
      expect(running.bridge.counters.rejected.forged).toBe(1);
      expect(running.bridge.counters.rejected.replayed).toBe(1);
      expect(subscriber.duplicates).toBe(0);
    } finally {
      await device.endAsync();
      await subscriber.close();
      await running.close();
      await edge.close();
    }
  });

  it('protocol auto: MQTT 5 first, falling back to 3.1.1 on a broker that refuses 5 (aedes)', async () => {
    const broker = await startEmbeddedBroker(0);
    try {
      for (const sink of [new MqttSink({ url: broker.url, protocol: 'auto' }), new MqttPublisher({ url: broker.url, protocol: 'auto' })]) {
        try {
          await sink.start(5000);
          expect(sink.protocolVersion).toBe(4);
          expect(sink.connected).toBe(true);
        } finally {
          await sink.close();
        }
      }
    } finally {
      await broker.close();
    }
  });
});

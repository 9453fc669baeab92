/**
 * TLS to the broker: a locally generated CA, server and client certificates, and a real mosquitto
 * that requires client certificates. The bridge publishes through the generic preset (--ca, --cert,
 * --key); a client without a certificate, or with one from another CA, is refused.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceSim } from './support/device-sim.ts';
import { makeTestPki, type TestPki } from './support/certs.ts';
import { hasMosquitto, hasOpenssl, Mosquitto, sleep } from './support/mosquitto.ts';
import { RecordingSubscriber } from './support/subscriber.ts';
import { resolvePreset } from '../host/bridge/presets.ts';
import { startBridge } from '../host/bridge/run.ts';
import { generateKey } from '../host/keys.ts';

describe.skipIf(!hasMosquitto() || !hasOpenssl())('bridge over TLS with client certificates (mosquitto)', () => {
  let dir: string;
  let pki: TestPki;
  let broker: Mosquitto;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spruce-tls-'));
    pki = makeTestPki(dir);
    broker = await Mosquitto.start({ tls: { caFile: pki.caFile, certFile: pki.serverCert, keyFile: pki.serverKey, requireClientCert: true } });
  });
  afterAll(async () => {
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (): string => `mqtts://127.0.0.1:${broker.port}`;

  it('publishes verified messages with mutual TLS', async () => {
    const key = generateKey();
    const keys = { tls1: key };
    const subscriber = new RecordingSubscriber(url(), keys, 5, { ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) });
    await subscriber.start();
    const mqtt = resolvePreset({ preset: 'generic', url: url(), caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey, protocol: 5 });
    const running = await startBridge({ walDir: join(dir, 'wal'), keys, mqtt, connectTimeoutMs: 10_000 });
    try {
      const acks: string[] = [];
      for (let seq = 0; seq < 50; seq++) {
        running.bridge.handleLine('test', DeviceSim.frame(key, { dev: 'tls1', boot: 1, seq, k: 'r', d: { v: seq } }), (b, s) => void acks.push(`${b}:${s}`));
      }
      const deadline = Date.now() + 15_000;
      while (subscriber.seen.size < 50 && Date.now() < deadline) await sleep(50);
      expect(subscriber.seen.size).toBe(50);
      expect(acks.length).toBe(50);
      expect(subscriber.invalid).toEqual([]);
      expect(running.mqtt.protocolVersion).toBe(5);
    } finally {
      await running.close();
      await subscriber.close();
    }
  });

  it('is refused without a client certificate, and with one from another CA', async () => {
    for (const client of [{}, { certFile: pki.strangerCert, keyFile: pki.strangerKey }]) {
      const mqtt = resolvePreset({ preset: 'generic', url: url(), caFile: pki.caFile, ...client });
      const attempt = startBridge({ walDir: join(dir, `wal-refused-${Math.random()}`), keys: { x: generateKey() }, mqtt, connectTimeoutMs: 2_000 });
      await expect(attempt).rejects.toMatchObject({ code: 'E_BROKER_UNREACHABLE', exit: 'NETWORK' });
    }
  });

  it('does not trust a server certificate from an unknown CA', async () => {
    const mqtt = resolvePreset({ preset: 'generic', url: url(), certFile: pki.clientCert, keyFile: pki.clientKey }); // no --ca
    const attempt = startBridge({ walDir: join(dir, 'wal-untrusted'), keys: { x: generateKey() }, mqtt, connectTimeoutMs: 2_000 });
    await expect(attempt).rejects.toMatchObject({ code: 'E_BROKER_UNREACHABLE' });
  });
});

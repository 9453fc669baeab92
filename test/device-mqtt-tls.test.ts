// MQTT over TLS from the virtual board (require("tls"), Node's TLS underneath) to mosquitto with
// a throwaway CA: frames go through when the device trusts the broker's CA, and stay queued
// (nothing sent in clear, nothing lost) when it does not.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mosquitto, hasMosquitto, hasOpenssl } from './support/mosquitto.ts';
import { makeTestPki, type TestPki } from './support/certs.ts';
import { networkOf } from '../host/sim/modules/board-network.ts';
import { DEV, Watcher, outboxFiles, probeBoard, probeBundle } from './device-mqtt/harness.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe.skipIf(!hasMosquitto() || !hasOpenssl())('device MQTT over TLS through the virtual board', () => {
  let pki: TestPki;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spruce-device-tls-'));
    pki = makeTestPki(dir);
    await probeBundle();
    return () => rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  async function tlsBroker() {
    const broker = await Mosquitto.start({ tls: { caFile: pki.caFile, certFile: pki.serverCert, keyFile: pki.serverKey, requireClientCert: false } });
    cleanups.push(() => broker.close());
    return broker;
  }

  it('delivers signed frames over TLS when the device trusts the broker CA', async () => {
    const broker = await tlsBroker();
    const ca = readFileSync(pki.caFile, 'latin1');
    const watcher = new Watcher(broker.port, ca);
    await watcher.start();
    cleanups.push(() => watcher.stop());
    const { board, wakes } = await probeBoard(broker.port, ca);
    cleanups.push(() => networkOf(board).dispose());
    await board.runWakes(3);
    await watcher.waitFor(3);
    expect(wakes.map((w) => w.ok)).toEqual(['true', 'true', 'true']);
    expect([...watcher.ids.keys()].sort()).toEqual([`${DEV}/1/0`, `${DEV}/2/0`, `${DEV}/3/0`]);
    expect(watcher.invalid).toEqual([]);
    expect(outboxFiles(board)).toEqual([]);
  });

  it('refuses a broker whose certificate the device does not trust, and keeps the frames', async () => {
    const broker = await tlsBroker();
    const wrongCa = readFileSync(join(dir, 'otherca.crt'), 'latin1');
    const { board, wakes } = await probeBoard(broker.port, wrongCa);
    cleanups.push(() => networkOf(board).dispose());
    await board.runWakes(2);
    expect(wakes.map((w) => [w.ok, w.sent])).toEqual([['false', 0], ['false', 0]]);
    expect(wakes[0].code).toBe('E_SESSION_TIMEOUT');
    expect(outboxFiles(board)).toHaveLength(2);
  });
});

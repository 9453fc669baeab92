// The device's MQTT client THROUGH the virtual board: the mqtt-probe bundle (real build pipeline)
// runs on the virtual board, whose require("net") is Node's net on loopback, against a real
// mosquitto. Shows: wake cycles with the network down then up deliver every reading exactly once
// after de-duplication on (dev, boot, seq), and a broker restart while the device is awake loses
// nothing. No timing thresholds: only counts and contents are asserted.
import { beforeAll, describe, expect, it } from 'vitest';
import { hasMosquitto } from './support/mosquitto.ts';
import { networkOf } from '../host/sim/modules/board-network.ts';
import { DEV, outboxFiles, probeBundle, probeSessions } from './device-mqtt/harness.ts';

const setup = probeSessions();

describe.skipIf(!hasMosquitto())('device MQTT through the virtual board (mosquitto)', () => {
  beforeAll(async () => {
    await probeBundle();
  }, 120_000);

  it('wakes with the network down then up: every reading delivered exactly once after de-duplication', async () => {
    const { board, watcher, wakes } = await setup();
    const network = networkOf(board);
    await board.runWakes(3);
    network.setUp(false);
    await board.runWakes(8);
    network.setUp(true);
    await board.runWakes(3);
    await watcher.waitFor(14);

    expect(wakes.map((w) => w.boot)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    // Down: the radio came on, Wi-Fi timed out on the firmware's own timer, nothing was lost.
    expect(wakes.slice(3, 11).every((w) => w.ok === 'false' && w.code === 'E_WIFI_TIMEOUT' && w.sent === 0)).toBe(true);
    // Up again: the first session flushed the whole backlog (8 queued + its own).
    expect(wakes[11]).toMatchObject({ ok: 'true', sent: 9 });
    expect(watcher.invalid).toEqual([]);
    const expected = Array.from({ length: 14 }, (_, i) => `${DEV}/${i + 1}/0`).sort();
    expect([...watcher.ids.keys()].sort()).toEqual(expected);
    expect(outboxFiles(board)).toEqual([]);
    const meter = board.meter.reading();
    expect(meter.wakes).toBe(14);
    expect(meter.radioSessions).toBe(14);
    expect(network.counters.wifiAttempts).toBe(14);
    expect(network.counters.wifiConnects).toBe(6);
  });

  it('a broker restart while the device is awake: it reconnects in the same wake and nothing is lost', async () => {
    const { board, broker, watcher, wakes } = await setup();
    const network = networkOf(board);
    network.setUp(false);
    await board.runWakes(30); // a backlog of 30 readings
    network.setUp(true);
    let restart: Promise<void> | undefined;
    watcher.onLine = (count) => {
      if (count !== 3 || restart) return;
      // The restart takes real time: let the board's clock follow real time meanwhile, as the
      // device's retry timers would on hardware.
      const release = board.hold();
      restart = (async () => {
        await broker.shutdown();
        await broker.restart();
        release();
      })();
    };
    await board.runWakes(1);
    await restart;
    await board.runWakes(1);
    await watcher.waitFor(32);

    const flush = wakes[30];
    expect(restart).toBeDefined();
    expect(flush.connects).toBeGreaterThanOrEqual(2);
    expect(flush.ok).toBe('true');
    expect(watcher.invalid).toEqual([]);
    expect([...watcher.ids.keys()].sort()).toEqual(Array.from({ length: 32 }, (_, i) => `${DEV}/${i + 1}/0`).sort());
    // QoS 1 is at-least-once: a frame whose PUBACK died with the broker may arrive twice;
    // (dev, boot, seq) makes that harmless.
    expect(outboxFiles(board)).toEqual([]);
  });

  it('a wrong Wi-Fi password is reported at once (the one error Espruino reports); frames wait for a good one', async () => {
    const { board, wakes } = await setup();
    networkOf(board).conditions.badPassword = true;
    await board.runWakes(2);
    expect(wakes[0]).toMatchObject({ ok: 'false', code: 'E_WIFI_AUTH', sent: 0 });
    expect(outboxFiles(board)).toHaveLength(2);
    networkOf(board).conditions.badPassword = false;
    await board.runWakes(1);
    expect(wakes[2]).toMatchObject({ ok: 'true', sent: 3 });
    expect(outboxFiles(board)).toEqual([]);
  });
});

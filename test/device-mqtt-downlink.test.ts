// The downlink mailbox through the virtual board and mosquitto: a retained command published
// while the device sleeps is applied on its next wake, acknowledged, cleared, and takes effect.
import { beforeAll, describe, expect, it } from 'vitest';
import { hasMosquitto } from './support/mosquitto.ts';
import { probeBundle, probeSessions } from './device-mqtt/harness.ts';

const setup = probeSessions();

describe.skipIf(!hasMosquitto())('downlink mailbox through the virtual board (mosquitto)', () => {
  beforeAll(async () => {
    await probeBundle();
  }, 120_000);

  it('a command sent while the device sleeps is applied on the next wake, acked, cleared, and used', async () => {
    const { board, watcher, wakes } = await setup();
    const first = await board.runUntilSleep();
    expect(first.sleepMs).toBe(60_000);
    // The device is asleep now: the host changes its interval and sends a new model file.
    const model = Buffer.from('LUT\x00\x01\x02', 'latin1').toString('base64');
    await watcher.command(JSON.stringify({ id: 1, set: { intervalS: 120 }, file: { name: 'probe.model', b64: model } }));
    const second = await board.runUntilSleep();
    // The wake that fetched it still ran on the old interval; it slept on the old one too
    // (the config is read at boot), and the next wake uses the new one.
    expect(wakes[1]).toMatchObject({ interval: 60, ok: 'true', applied: 1 });
    expect(second.sleepMs).toBe(60_000);
    const third = await board.runUntilSleep();
    expect(wakes[2]).toMatchObject({ interval: 120, applied: 0 });
    expect(third.sleepMs).toBe(120_000);
    expect(board.storage.readString('probe.model')).toBe('LUT\x00\x01\x02');
    await watcher.waitFor(3);
    await watcher.waitAcks(1);
    expect(watcher.acks).toEqual(['{"id":1,"ok":true}']);
    expect(await watcher.retainedCommand()).toBe('');
  });

  it('a refused command is acked with the reason and cleared; a re-sent old id is not applied twice', async () => {
    const { board, watcher, wakes } = await setup();
    await board.runUntilSleep();
    await watcher.command('{"id":2,"set":{"intervalS":5}}');
    await board.runUntilSleep();
    await watcher.command('{"id":3,"set":{"intervalS":30}}');
    await board.runUntilSleep();
    await watcher.command('{"id":3,"set":{"intervalS":3000}}');
    await board.runUntilSleep();
    const last = await board.runUntilSleep();
    await watcher.waitFor(5);
    await watcher.waitAcks(3);
    expect(watcher.acks).toEqual(['{"id":2,"ok":false,"code":"E_DL_RANGE","key":"intervalS"}', '{"id":3,"ok":true}', '{"id":3,"ok":true,"dup":true}']);
    expect(wakes.map((w) => w.applied)).toEqual([0, 0, 1, 0, 0]);
    expect(last.sleepMs).toBe(30_000);
    expect(await watcher.retainedCommand()).toBe('');
  });
});

// The session against a real in-process broker (aedes on loopback) with Node's net as the socket.
// The virtual-board + mosquitto path is covered by test/device-mqtt-*.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { nodeClock, nodeConnector } from '../../../host/sim/node-transport.ts';
import { DEFAULT_SESSION, runSession, type PendingFrame, type SessionConfig, type SessionResult } from './session.ts';
import type { DownlinkOutcome } from '../downlink.ts';


class MemoryOutbox {
  frames: PendingFrame[] = [];
  acked: string[] = [];
  pending(limit: number) {
    return this.frames.slice(0, limit);
  }
  ack(boot: number, seq: number) {
    this.acked.push(`${boot}/${seq}`);
    this.frames = this.frames.filter((f) => !(f.boot === boot && f.seq === seq));
  }
}

class MemoryMailbox {
  last = 0;
  applied: DownlinkOutcome[] = [];
  lastId() {
    return this.last;
  }
  apply(o: DownlinkOutcome) {
    if (o.ok && !o.duplicate) {
      this.applied.push(o);
      this.last = o.id;
    }
    return true;
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Waits (up to 5 s) for what the broker forwards to a watcher; the test then checks it exactly. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !condition(); i++) await new Promise((res) => setTimeout(res, 20));
}

async function startBroker() {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  cleanups.push(() => new Promise<void>((r) => broker.close(() => server.close(() => r()))));
  return { broker, server, port };
}

function config(port: number, over: Partial<SessionConfig> = {}): SessionConfig {
  return {
    ...DEFAULT_SESSION, dev: 'dev-1', ssid: 'lab', wifiPassword: 'pw', host: '127.0.0.1', port,
    rules: { settings: { intervalS: { min: 10, max: 3600, integer: true } }, files: {} }, ...over,
  };
}

function run(cfg: SessionConfig, outbox: MemoryOutbox, mailbox: MemoryMailbox, wifiOk = true) {
  return new Promise<SessionResult>((resolve) =>
    runSession(cfg, {
      wifiConnect: (_s, _p, timeoutMs, cb) => (wifiOk ? setTimeout(() => cb({ ok: true }), 1) : setTimeout(() => cb({ ok: false, code: 'E_WIFI_TIMEOUT' }), Math.min(timeoutMs, 20))),
      wifiOff: () => {},
      connector: nodeConnector,
      clock: nodeClock,
      frames: outbox,
      mailbox,
    }, resolve),
  );
}

async function watcher(port: number, topics: string[]) {
  const c = await mqtt.connectAsync({ host: '127.0.0.1', port, protocolVersion: 4 });
  cleanups.push(() => c.endAsync());
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString('latin1'), retain: packet.retain }));
  await c.subscribeAsync(topics, { qos: 1 });
  return { c, got };
}

describe('runSession against aedes', () => {
  it('delivers every frame, removes it only after PUBACK, applies and clears a retained command', async () => {
    const { port } = await startBroker();
    const host = await watcher(port, ['spruce/dev-1/up', 'spruce/dev-1/ack']);
    await host.c.publishAsync('spruce/dev-1/down', '{"id":7,"set":{"intervalS":120}}', { qos: 1, retain: true });
    const outbox = new MemoryOutbox();
    for (let i = 0; i < 10; i++) outbox.frames.push({ boot: 3, seq: i, line: `@s1 {"seq":${i}} ${'0'.repeat(64)}` });
    const mailbox = new MemoryMailbox();
    const r = await run(config(port), outbox, mailbox);
    expect(r).toMatchObject({ ok: true, sent: 10, applied: 1, connects: 1 });
    expect(outbox.frames).toEqual([]);
    expect(mailbox.applied.map((o) => o.settings)).toEqual([{ intervalS: 120 }]);
    await until(() => host.got.length >= 11);
    expect(host.got.filter((m) => m.topic.endsWith('/up')).map((m) => m.payload)).toEqual(outbox.acked.map((k) => `@s1 {"seq":${k.split('/')[1]}} ${'0'.repeat(64)}`));
    expect(host.got.filter((m) => m.topic.endsWith('/ack')).map((m) => m.payload)).toEqual(['{"id":7,"ok":true}']);
    // The mailbox is empty now: a new subscriber gets no retained command.
    const later = await watcher(port, ['spruce/dev-1/down']);
    await later.c.publishAsync('barrier', '', { qos: 1 }); // a retained message would be in before this PUBACK
    expect(later.got).toEqual([]);
  });

  it('reports a Wi-Fi failure as a value and sends nothing', async () => {
    const outbox = new MemoryOutbox();
    outbox.frames.push({ boot: 1, seq: 0, line: 'x' });
    const r = await run(config(1), outbox, new MemoryMailbox(), false);
    expect(r).toMatchObject({ ok: false, code: 'E_WIFI_TIMEOUT', sent: 0 });
    expect(outbox.frames).toHaveLength(1);
  });

  it('gives up at the session deadline when no broker answers, keeping every frame', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const outbox = new MemoryOutbox();
    outbox.frames.push({ boot: 1, seq: 0, line: 'x' });
    const r = await run(config(port, { sessionTimeoutMs: 400, retryDelayMs: 20 }), outbox, new MemoryMailbox());
    expect(r.ok).toBe(false);
    expect(r.code).toBe('E_SESSION_TIMEOUT');
    expect(r.connects).toBeGreaterThan(1);
    expect(outbox.frames).toHaveLength(1);
  });

  it('refuses a bad command with an ack naming the key and still clears it', async () => {
    const { port } = await startBroker();
    const host = await watcher(port, ['spruce/dev-1/ack']);
    await host.c.publishAsync('spruce/dev-1/down', '{"id":8,"set":{"intervalS":1}}', { qos: 1, retain: true });
    const mailbox = new MemoryMailbox();
    const r = await run(config(port), new MemoryOutbox(), mailbox);
    expect(r).toMatchObject({ ok: true, applied: 0 });
    await until(() => host.got.length >= 1);
    expect(host.got.map((m) => m.payload)).toEqual(['{"id":8,"ok":false,"code":"E_DL_RANGE","key":"intervalS"}']);
  });

  it('a command too big for the device is refused, acked and cleared instead of wedging every session', async () => {
    const { port } = await startBroker();
    const host = await watcher(port, ['spruce/dev-1/ack']);
    await host.c.publishAsync('spruce/dev-1/down', JSON.stringify({ id: 9, file: { name: 'model', b64: 'A'.repeat(4000) } }), { qos: 1, retain: true });
    const outbox = new MemoryOutbox();
    outbox.frames.push({ boot: 1, seq: 0, line: 'x' });
    const r = await run(config(port, { maxPacket: 1024 }), outbox, new MemoryMailbox());
    expect(r).toMatchObject({ ok: true, sent: 1, applied: 0, connects: 1 });
    await until(() => host.got.length >= 1);
    expect(host.got.map((m) => m.payload)).toEqual(['{"id":-1,"ok":false,"code":"E_DL_TOO_BIG"}']);
    const later = await watcher(port, ['spruce/dev-1/down']);
    await later.c.publishAsync('barrier', '', { qos: 1 }); // a retained message would be in before this PUBACK
    expect(later.got).toEqual([]);
  });
});

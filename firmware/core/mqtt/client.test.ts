// Unit tests of the client state machine: a scripted broker (mqtt-packet on the other end of an
// in-memory socket) and a manual clock, so timeouts are tested without waiting.
import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { MqttClient, type ByteSocket, type Clock, type SocketEvents } from './client.ts';

class ManualClock implements Clock {
  now = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { at: this.now + ms, fn, id: ++this.seq };
    this.timers.push(t);
    return t.id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
  pending(): number {
    return this.timers.length;
  }
}

/** The broker side of one in-memory connection: sees parsed packets, can answer with generated ones. */
class ScriptedBroker {
  received: mqttPacket.Packet[] = [];
  events: SocketEvents | null = null;
  ended = false;
  connects = 0;
  private parser = mqttPacket.parser({ protocolVersion: 4 });
  constructor(private autoConnack = true) {
    this.parser.on('packet', (p) => {
      this.received.push(p);
      if (p.cmd === 'connect' && this.autoConnack) this.reply({ cmd: 'connack', returnCode: 0, sessionPresent: false });
    });
  }
  connector = (_host: string, _port: number, events: SocketEvents): ByteSocket => {
    this.events = events;
    this.connects++;
    this.ended = false;
    queueMicrotask(() => events.onOpen());
    return {
      write: (bytes) => this.parser.parse(Buffer.from(bytes)),
      end: () => {
        this.ended = true;
      },
    };
  };
  reply(p: mqttPacket.Packet): void {
    this.events!.onData(new Uint8Array(mqttPacket.generate(p)));
  }
  cmds(): string[] {
    return this.received.map((p) => p.cmd);
  }
}

const options = { host: 'h', port: 1, clientId: 'dev-1', keepalive: 10, cleanSession: false, connectTimeoutMs: 5000, ackTimeoutMs: 3000 };
const tick = () => new Promise((r) => setTimeout(r, 0));

async function connected(broker = new ScriptedBroker(), clock = new ManualClock()) {
  const client = new MqttClient(options, broker.connector, clock);
  const results: unknown[] = [];
  client.connect((r) => results.push(r));
  await tick();
  expect(results).toEqual([{ ok: true, sessionPresent: false }]);
  return { client, broker, clock };
}

describe('MqttClient', () => {
  it('connects, publishes QoS 1 and reports success only on PUBACK', async () => {
    const { client, broker } = await connected();
    const results: unknown[] = [];
    client.publish('spruce/dev-1/up', 'hello', 1, false, (r) => results.push(r));
    expect(results).toEqual([]);
    expect(client.inflight()).toBe(1);
    const pub = broker.received[1] as mqttPacket.IPublishPacket;
    expect(pub).toMatchObject({ cmd: 'publish', qos: 1, topic: 'spruce/dev-1/up' });
    broker.reply({ cmd: 'puback', messageId: pub.messageId! + 1 }); // an ack for something else is ignored
    expect(results).toEqual([]);
    broker.reply({ cmd: 'puback', messageId: pub.messageId });
    expect(results).toEqual([{ ok: true }]);
    expect(client.inflight()).toBe(0);
  });

  it('gives distinct packet ids to concurrent publishes and matches acks out of order', async () => {
    const { client, broker } = await connected();
    const done: string[] = [];
    for (const p of ['a', 'b', 'c']) client.publish('t', p, 1, false, (r) => r.ok && done.push(p));
    const ids = broker.received.slice(1).map((p) => (p as mqttPacket.IPublishPacket).messageId);
    expect(new Set(ids).size).toBe(3);
    broker.reply({ cmd: 'puback', messageId: ids[2] });
    broker.reply({ cmd: 'puback', messageId: ids[0] });
    broker.reply({ cmd: 'puback', messageId: ids[1] });
    expect(done).toEqual(['c', 'a', 'b']);
  });

  it('QoS 0 publish completes at once; subscribe reports the granted QoS; retained messages reach onMessage and are acked', async () => {
    const { client, broker } = await connected();
    const r0: unknown[] = [];
    client.publish('t', 'x', 0, true, (r) => r0.push(r));
    expect(r0).toEqual([{ ok: true }]);
    expect(broker.received[1]).toMatchObject({ cmd: 'publish', qos: 0, retain: true });
    const subs: unknown[] = [];
    client.subscribe('spruce/dev-1/down', 1, (r) => subs.push(r));
    const sub = broker.received[2] as mqttPacket.ISubscribePacket;
    broker.reply({ cmd: 'suback', messageId: sub.messageId, granted: [1] });
    expect(subs).toEqual([{ ok: true, granted: 1 }]);
    const got: unknown[] = [];
    client.onMessage = (topic, payload, retain) => got.push({ topic, payload, retain });
    broker.reply({ cmd: 'publish', topic: 'spruce/dev-1/down', payload: Buffer.from('{"id":3}'), qos: 1, messageId: 44, retain: true, dup: false });
    expect(got).toEqual([{ topic: 'spruce/dev-1/down', payload: '{"id":3}', retain: true }]);
    expect(broker.received[3]).toMatchObject({ cmd: 'puback', messageId: 44 });
  });

  it('a refused subscription and a refused CONNACK are values with stable codes', async () => {
    const { client, broker } = await connected();
    const subs: unknown[] = [];
    client.subscribe('x', 1, (r) => subs.push(r));
    broker.reply({ cmd: 'suback', messageId: (broker.received[1] as mqttPacket.ISubscribePacket).messageId, granted: [128] });
    expect(subs).toEqual([{ ok: false, code: 'E_MQTT_SUB_REFUSED', granted: 128 }]);

    const refusing = new ScriptedBroker(false);
    const c2 = new MqttClient(options, refusing.connector, new ManualClock());
    const res: unknown[] = [];
    c2.connect((r) => res.push(r));
    await tick();
    refusing.reply({ cmd: 'connack', returnCode: 4, sessionPresent: false });
    expect(res).toEqual([{ ok: false, code: 'E_MQTT_BAD_CREDENTIALS' }]);
    expect(c2.state).toBe('closed');
    expect(refusing.ended).toBe(true);
  });

  it('fails in-flight publishes when the connection drops, and can connect again', async () => {
    const { client, broker } = await connected();
    const results: unknown[] = [];
    const closes: string[] = [];
    client.onClose = (c) => closes.push(c);
    client.publish('t', 'a', 1, false, (r) => results.push(r));
    broker.events!.onClose('E_NET_RESET');
    expect(results).toEqual([{ ok: false, code: 'E_NET_RESET' }]);
    expect(closes).toEqual(['E_NET_RESET']);
    expect(client.inflight()).toBe(0);
    const again: unknown[] = [];
    client.connect((r) => again.push(r));
    await tick();
    expect(again).toEqual([{ ok: true, sessionPresent: false }]);
    expect(broker.connects).toBe(2);
  });

  it('times out a connect that never gets a CONNACK, and a PUBACK that never comes', async () => {
    const silent = new ScriptedBroker(false);
    const clock = new ManualClock();
    const c = new MqttClient(options, silent.connector, clock);
    const res: unknown[] = [];
    c.connect((r) => res.push(r));
    await tick();
    clock.advance(4999);
    expect(res).toEqual([]);
    clock.advance(1);
    expect(res).toEqual([{ ok: false, code: 'E_MQTT_CONNECT_TIMEOUT' }]);
    expect(silent.ended).toBe(true);

    const { client, clock: clock2 } = await connected();
    const pubs: unknown[] = [];
    client.publish('t', 'a', 1, false, (r) => pubs.push(r));
    clock2.advance(3000);
    expect(pubs).toEqual([{ ok: false, code: 'E_MQTT_ACK_TIMEOUT' }]);
    expect(client.state).toBe('closed');
  });

  it('sends PINGREQ after keepalive seconds of silence and drops the link if no PINGRESP', async () => {
    const { client, broker, clock } = await connected();
    clock.advance(9999);
    expect(broker.cmds()).toEqual(['connect']);
    clock.advance(1);
    expect(broker.cmds()).toEqual(['connect', 'pingreq']);
    broker.reply({ cmd: 'pingresp' });
    clock.advance(10000);
    expect(broker.cmds()).toEqual(['connect', 'pingreq', 'pingreq']);
    clock.advance(3000);
    expect(client.state).toBe('closed');
    expect(clock.pending()).toBe(0);
  });

  it('disconnect sends DISCONNECT, closes the socket and leaves no timers behind', async () => {
    const { client, broker, clock } = await connected();
    const closes: string[] = [];
    client.onClose = (c) => closes.push(c);
    client.disconnect();
    expect(broker.cmds()).toEqual(['connect', 'disconnect']);
    expect(broker.ended).toBe(true);
    expect(closes).toEqual(['E_MQTT_DISCONNECTED']);
    expect(clock.pending()).toBe(0);
    const r: unknown[] = [];
    client.publish('t', 'x', 1, false, (x) => r.push(x));
    expect(r).toEqual([{ ok: false, code: 'E_MQTT_NOT_CONNECTED' }]);
  });

  it('a malformed packet from the broker closes the connection with a code', async () => {
    const { client, broker } = await connected();
    const closes: string[] = [];
    client.onClose = (c) => closes.push(c);
    broker.events!.onData(new Uint8Array([0x20, 0x05, 0, 0, 0, 0, 0]));
    expect(closes).toEqual(['E_MQTT_MALFORMED']);
  });
});

describe('MqttClient.ping', () => {
  it('resolves on PINGRESP and fails when the link drops first', async () => {
    const { client, broker } = await connected();
    const r: unknown[] = [];
    client.ping((x) => r.push(x));
    expect(broker.cmds()).toEqual(['connect', 'pingreq']);
    broker.reply({ cmd: 'pingresp' });
    expect(r).toEqual([{ ok: true }]);
    client.ping((x) => r.push(x));
    broker.events!.onClose('E_NET_CLOSED');
    expect(r).toEqual([{ ok: true }, { ok: false, code: 'E_NET_CLOSED' }]);
  });
});

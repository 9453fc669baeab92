// The device's MQTT codec (codec.ts encodes, reader.ts decodes) checked against mqtt-packet (MQTT.js's codec) as an independent reference:
// what we encode, it parses to the same fields; what it generates, we decode to the same fields.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { PacketReader } from './reader.ts';
import {
  bytesToString,
  encodeConnect,
  encodeDisconnect,
  encodePingreq,
  encodePuback,
  encodePublish,
  encodeSubscribe,
  stringToBytes,
  PACKET_CONNACK,
  PACKET_PUBLISH,
  PACKET_SUBACK,
  PACKET_PINGRESP,
  PACKET_PUBACK,
  type Packet,
} from './codec.ts';

/** Parses bytes with mqtt-packet and returns the packets it saw. */
function referenceParse(bytes: Uint8Array): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: mqttPacket.Packet[] = [];
  const errors: Error[] = [];
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e) => errors.push(e));
  parser.parse(Buffer.from(bytes));
  if (errors.length) throw errors[0];
  return out;
}

function decodeAll(bytes: Uint8Array, chunk = bytes.length): Packet[] {
  return decodeAllWith(new PacketReader(1 << 20), bytes, chunk);
}

function decodeAllWith(reader: PacketReader, bytes: Uint8Array, chunk: number): Packet[] {
  const out: Packet[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    const got = reader.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
    if (got.error) throw new Error(got.error.code);
    out.push(...got.packets);
  }
  return out;
}

const ascii = (min: number, max: number) =>
  fc.string({ minLength: min, maxLength: max, unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)) });
const bytes8 = (max: number) =>
  fc.string({ maxLength: max, unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) });
const topic = ascii(1, 60).filter((t) => !t.includes('+') && !t.includes('#'));

describe('MQTT codec: encoding matches mqtt-packet', () => {
  it('CONNECT with keepalive, clean session and credentials', () => {
    fc.assert(
      fc.property(ascii(1, 23), fc.integer({ min: 0, max: 65535 }), fc.boolean(), fc.option(ascii(0, 30)), fc.option(ascii(0, 30)), (clientId, keepalive, clean, user, pass) => {
        const opts = { clientId, keepalive, cleanSession: clean, username: user ?? undefined, password: user != null ? pass ?? undefined : undefined };
        const [p] = referenceParse(encodeConnect(opts)) as mqttPacket.IConnectPacket[];
        expect(p.cmd).toBe('connect');
        expect(p.protocolId).toBe('MQTT');
        expect(p.protocolVersion).toBe(4);
        expect(p.clientId).toBe(clientId);
        expect(p.keepalive).toBe(keepalive);
        expect(p.clean).toBe(clean);
        expect(p.username).toBe(opts.username);
        expect(p.password === undefined ? undefined : p.password.toString('latin1')).toBe(opts.password);
      }),
    );
  });

  it('byte-identical to mqtt-packet for CONNECT', () => {
    const ours = encodeConnect({ clientId: 'dev-1', keepalive: 30, cleanSession: true, username: 'u', password: 'p' });
    const theirs = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'dev-1', keepalive: 30, clean: true, username: 'u', password: Buffer.from('p') });
    expect(Buffer.from(ours).toString('hex')).toBe(theirs.toString('hex'));
  });

  it('PUBLISH QoS 0 and 1, retain, dup, 8-bit payloads, long (multi-byte length) payloads', () => {
    fc.assert(
      fc.property(topic, fc.oneof(bytes8(200), bytes8(20000)), fc.integer({ min: 0, max: 1 }), fc.boolean(), fc.integer({ min: 1, max: 65535 }), fc.boolean(), (t, payload, qos, retain, id, dup) => {
        const bytes = encodePublish(t, payload, qos, retain, id, dup);
        const [p] = referenceParse(bytes) as mqttPacket.IPublishPacket[];
        expect(p.cmd).toBe('publish');
        expect(p.topic).toBe(t);
        expect(p.qos).toBe(qos);
        expect(p.retain).toBe(retain);
        expect(p.dup).toBe(qos > 0 && dup);
        expect((p.payload as Buffer).toString('latin1')).toBe(payload);
        if (qos > 0) expect(p.messageId).toBe(id);
        const theirs = mqttPacket.generate({ cmd: 'publish', topic: t, payload: Buffer.from(payload, 'latin1'), qos: qos as 0 | 1, retain, dup: qos > 0 && dup, messageId: qos > 0 ? id : undefined });
        expect(Buffer.from(bytes).equals(theirs)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('PUBACK, SUBSCRIBE, PINGREQ, DISCONNECT', () => {
    expect(referenceParse(encodePuback(513))[0]).toMatchObject({ cmd: 'puback', messageId: 513 });
    const [sub] = referenceParse(encodeSubscribe(7, 'spruce/dev-1/down', 1)) as mqttPacket.ISubscribePacket[];
    expect(sub).toMatchObject({ cmd: 'subscribe', messageId: 7 });
    expect(sub.subscriptions).toEqual([expect.objectContaining({ topic: 'spruce/dev-1/down', qos: 1 })]);
    expect(referenceParse(encodePingreq())[0].cmd).toBe('pingreq');
    expect(referenceParse(encodeDisconnect())[0].cmd).toBe('disconnect');
    expect(Buffer.from(encodeSubscribe(7, 'a/b', 1)).equals(mqttPacket.generate({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'a/b', qos: 1 }] }))).toBe(true);
  });
});

describe('MQTT codec: decoding what mqtt-packet generates', () => {
  it('CONNACK accepted, refused, session present', () => {
    for (const [rc, sp] of [[0, false], [0, true], [5, false]] as const) {
      const [p] = decodeAll(mqttPacket.generate({ cmd: 'connack', returnCode: rc, sessionPresent: sp }));
      expect(p).toEqual({ type: PACKET_CONNACK, returnCode: rc, sessionPresent: sp });
    }
  });

  it('PUBLISH from the broker, split at every byte boundary and coalesced', () => {
    fc.assert(
      fc.property(topic, bytes8(400), fc.integer({ min: 0, max: 1 }), fc.boolean(), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 50 }), (t, payload, qos, retain, id, chunk) => {
        const one = mqttPacket.generate({ cmd: 'publish', topic: t, payload: Buffer.from(payload, 'latin1'), qos: qos as 0 | 1, retain, dup: false, messageId: qos ? id : undefined });
        const two = Buffer.concat([one, mqttPacket.generate({ cmd: 'pingresp' }), one]);
        const got = decodeAll(two, chunk);
        expect(got).toHaveLength(3);
        expect(got[0]).toMatchObject({ type: PACKET_PUBLISH, topic: t, payload, qos, retain });
        if (qos) expect(got[0].packetId).toBe(id);
        expect(got[1].type).toBe(PACKET_PINGRESP);
        expect(got[2]).toEqual(got[0]);
      }),
      { numRuns: 150 },
    );
  });

  it('PUBACK and SUBACK (granted and refused)', () => {
    expect(decodeAll(mqttPacket.generate({ cmd: 'puback', messageId: 65535 }))[0]).toEqual({ type: PACKET_PUBACK, packetId: 65535 });
    expect(decodeAll(mqttPacket.generate({ cmd: 'suback', messageId: 9, granted: [1] }))[0]).toEqual({ type: PACKET_SUBACK, packetId: 9, granted: [1] });
    expect(decodeAll(mqttPacket.generate({ cmd: 'suback', messageId: 9, granted: [128] }))[0].granted).toEqual([128]);
  });

  it('refuses malformed and oversized input instead of buffering forever', () => {
    const reader = new PacketReader(100);
    expect(reader.push(new Uint8Array([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).error?.code).toBe('E_MQTT_MALFORMED');
    expect(new PacketReader(100).push(mqttPacket.generate({ cmd: 'suback', messageId: 1, granted: new Array(150).fill(1) })).error?.code).toBe('E_MQTT_TOO_BIG');
    expect(new PacketReader().push(new Uint8Array([0x20, 0x03, 0, 0, 0])).error?.code).toBe('E_MQTT_MALFORMED');
    expect(new PacketReader().push(new Uint8Array([0xf0, 0x00])).error?.code).toBe('E_MQTT_UNEXPECTED');
  });

  it('an oversize PUBLISH keeps its topic and id, skips its payload as it streams in, and the stream goes on', () => {
    fc.assert(
      fc.property(fc.integer({ min: 101, max: 3000 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 1 }), (size, chunk, qos) => {
        const big = mqttPacket.generate({ cmd: 'publish', topic: 'spruce/d/down', payload: Buffer.alloc(size, 65), qos: qos as 0 | 1, messageId: qos ? 77 : undefined, retain: true, dup: false });
        const next = mqttPacket.generate({ cmd: 'puback', messageId: 5 });
        const got = decodeAllWith(new PacketReader(100), Buffer.concat([big, next]), chunk);
        expect(got).toHaveLength(2);
        expect(got[0]).toMatchObject({ type: PACKET_PUBLISH, topic: 'spruce/d/down', payload: '', oversize: true, retain: true });
        if (qos) expect(got[0].packetId).toBe(77);
        expect(got[1]).toEqual({ type: PACKET_PUBACK, packetId: 5 });
      }),
      { numRuns: 100 },
    );
  });

  it('8-bit string helpers round-trip every byte value', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(stringToBytes(bytesToString(all))).toEqual(all);
  });
});

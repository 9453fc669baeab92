import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { encodePublish } from './publish-packet.ts';

/** The reference encoding of the same packet by mqtt-packet. */
function reference(topic: string, messageId: number, payload: string, version: 4 | 5, props?: { dev: string; boot: string; seq: string }): Buffer {
  const packet: mqttPacket.IPublishPacket = { cmd: 'publish', messageId, qos: 1, dup: false, retain: false, topic, payload };
  if (version === 5 && props) packet.properties = { userProperties: props, contentType: 'application/json' };
  return mqttPacket.generate(packet, { protocolVersion: version });
}

describe('encodePublish', () => {
  it('matches mqtt-packet byte for byte (MQTT 5 with properties, and 3.1.1)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 65535 }), fc.string({ maxLength: 400 }), fc.string({ maxLength: 20 }), fc.nat(), (topic, id, payload, dev, seq) => {
        const props = { dev, boot: '1', seq: String(seq) };
        expect(encodePublish({ topic, messageId: id, payload, userProperties: props, contentType: 'application/json' }, 5)).toEqual(reference(topic, id, payload, 5, props));
        expect(encodePublish({ topic, messageId: id, payload }, 4)).toEqual(reference(topic, id, payload, 4));
      }),
    );
  });

  it('handles payloads needing multi-byte remaining lengths and non-ASCII text', () => {
    for (const size of [0, 100, 127, 128, 16_383, 16_384, 70_000]) {
      const payload = 'é'.repeat(size);
      expect(encodePublish({ topic: 'spruce/ü/reading', messageId: 7, payload, userProperties: { dev: 'd', boot: '2', seq: '3' }, contentType: 'application/json' }, 5)).toEqual(
        reference('spruce/ü/reading', 7, payload, 5, { dev: 'd', boot: '2', seq: '3' }),
      );
    }
  });

  it('parses back with mqtt-packet', () => {
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const got: mqttPacket.Packet[] = [];
    parser.on('packet', (p) => got.push(p));
    parser.parse(encodePublish({ topic: 'a/b', messageId: 42, payload: '{"x":1}', userProperties: { dev: 'a', boot: '1', seq: '9' }, contentType: 'application/json' }, 5));
    expect(got).toHaveLength(1);
    const p = got[0] as mqttPacket.IPublishPacket;
    expect([p.topic, p.messageId, p.qos, String(p.payload)]).toEqual(['a/b', 42, 1, '{"x":1}']);
    expect(p.properties?.userProperties).toEqual({ dev: 'a', boot: '1', seq: '9' });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiPublish, isAscii, latin1Buffer, mqttString, varint } from './publish-ascii.ts';
import { PublishPacket, concatPackets } from './publish-packet.ts';

const ascii = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength });

/** The Buffer path, itself checked against mqtt-packet in publish-packet.test.ts. */
function reference(protocol: 4 | 5, topic: string, id: number, payload: string, dev: string, boot: number, seq: number): Buffer {
  const packet =
    protocol === 5
      ? new PublishPacket(5, topic, id, payload, ['dev', dev, 'boot', String(boot), 'seq', String(seq)], 'application/json')
      : new PublishPacket(4, topic, id, payload);
  return concatPackets([packet]);
}

function asText(protocol: 4 | 5, topic: string, id: number, payload: string, dev: string, boot: number, seq: number): Buffer {
  const text = asciiPublish(protocol, mqttString(topic), id, payload, dev, boot, seq);
  expect(text).not.toBeNull();
  return latin1Buffer([text!], text!.length);
}

describe('asciiPublish', () => {
  it('property: byte for byte the PublishPacket encoding (MQTT 5 with the bridge properties, and 3.1.1)', () => {
    fc.assert(
      fc.property(ascii(80), fc.integer({ min: 1, max: 65535 }), ascii(600), ascii(32), fc.nat(), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (topic, id, payload, dev, boot, seq) => {
        for (const protocol of [4, 5] as const) expect(asText(protocol, topic, id, payload, dev, boot, seq)).toEqual(reference(protocol, topic, id, payload, dev, boot, seq));
      }),
      { numRuns: 500 },
    );
  });

  it('matches at every remaining-length size boundary', () => {
    for (const size of [0, 60, 127, 128, 200, 16_383, 16_384, 70_000, 2_097_200]) {
      const payload = 'x'.repeat(size);
      // Buffer#equals: vitest's deep equality is slow on megabyte buffers.
      for (const protocol of [4, 5] as const) expect(asText(protocol, 'spruce/d/reading', 300, payload, 'd', 2, 3).equals(reference(protocol, 'spruce/d/reading', 300, payload, 'd', 2, 3))).toBe(true);
    }
  });

  it('a burst in one buffer equals the packets one by one', () => {
    const texts = [1, 2, 3].map((i) => asciiPublish(5, mqttString(`t/${i}`), i, `{"i":${i}}`, 'dev', 1, i)!);
    const total = texts.reduce((n, t) => n + t.length, 0);
    expect(latin1Buffer(texts, total)).toEqual(Buffer.concat([1, 2, 3].map((i) => reference(5, `t/${i}`, i, `{"i":${i}}`, 'dev', 1, i))));
  });

  it('varint and isAscii', () => {
    for (const n of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455]) {
      const bytes = Buffer.from(varint(n), 'latin1');
      let value = 0;
      for (let i = bytes.length - 1; i >= 0; i--) value = value * 128 + (bytes[i]! & 0x7f);
      expect(value).toBe(n);
      for (let i = 0; i < bytes.length; i++) expect((bytes[i]! & 0x80) !== 0).toBe(i < bytes.length - 1);
    }
    expect(isAscii('spruce/a/reading')).toBe(true);
    expect(isAscii('spruce/é/reading')).toBe(false);
  });
});

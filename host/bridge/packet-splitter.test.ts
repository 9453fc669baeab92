import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { PacketSplitter } from './packet-splitter.ts';

function collect(): { splitter: PacketSplitter; seen: string[] } {
  const seen: string[] = [];
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  parser.on('packet', (p) => seen.push(`${p.cmd}`));
  const splitter = new PacketSplitter({
    puback: (id, reason) => seen.push(`puback ${id} ${reason}`),
    other: (packet) => parser.parse(packet),
  });
  return { splitter, seen };
}

describe('PacketSplitter', () => {
  it('decodes PUBACKs and passes other packets whole, whatever the chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ id: fc.integer({ min: 1, max: 65535 }), reason: fc.constantFrom(0, 0x10, 0x87) }), fc.constant('pingresp' as const), fc.constant('connack' as const)), { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 10 }),
        (packets, cuts) => {
          const buffers = packets.map((p) =>
            p === 'pingresp'
              ? mqttPacket.generate({ cmd: 'pingresp' }, { protocolVersion: 5 })
              : p === 'connack'
                ? mqttPacket.generate({ cmd: 'connack', sessionPresent: false, reasonCode: 0, properties: { receiveMaximum: 100 } }, { protocolVersion: 5 })
                : mqttPacket.generate({ cmd: 'puback', messageId: p.id, reasonCode: p.reason }, { protocolVersion: 5 }),
          );
          const expected = packets.map((p) => (typeof p === 'string' ? p : `puback ${p.id} ${p.reason}`));
          const bytes = Buffer.concat(buffers);
          const { splitter, seen } = collect();
          let offset = 0;
          for (let i = 0; offset < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            splitter.push(bytes.subarray(offset, offset + size));
            offset += size;
          }
          expect(seen).toEqual(expected);
        },
      ),
    );
  });

  it('reads MQTT 3.1.1 PUBACKs (no reason code) as success', () => {
    const { splitter, seen } = collect();
    splitter.push(mqttPacket.generate({ cmd: 'puback', messageId: 513 }, { protocolVersion: 4 }));
    expect(seen).toEqual(['puback 513 0']);
  });

  it('reset() drops a partial packet', () => {
    const { splitter, seen } = collect();
    splitter.push(Buffer.from([0x40, 0x02, 0x00]));
    splitter.reset();
    splitter.push(Buffer.from([0x40, 0x02, 0x00, 0x07]));
    expect(seen).toEqual(['puback 7 0']);
  });
});

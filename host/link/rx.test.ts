import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACK, encodePacket, NAK, PacketType, XOFF, XON, decodeHeader } from './packets.ts';
import { RxDemux } from './rx.ts';

describe('packets and the receive demultiplexer', () => {
  it('encodes the header: type in the top 3 bits, length in the low 13', () => {
    const packet = encodePacket(PacketType.DATA, Buffer.alloc(300));
    expect([...packet.subarray(0, 4)]).toEqual([0x10, 0x01, 0x81, 0x2c]);
    expect(decodeHeader(0x81, 0x2c)).toEqual({ type: 4, length: 300 });
    expect(() => encodePacket(PacketType.DATA, Buffer.alloc(8192))).toThrow(RangeError);
  });

  it('splits text, control bytes and packets however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (payload, cuts) => {
        const stream = Buffer.concat([Buffer.from('hello\r\n'), Buffer.from([ACK, XOFF]), encodePacket(PacketType.RESPONSE, payload), Buffer.from([XON, NAK]), Buffer.from('bye')]);
        const rx = new RxDemux();
        const events: string[] = [];
        let text = '';
        let packetData: Buffer | undefined;
        rx.on('text', (b) => (text += b.toString('latin1')));
        rx.on('ack', () => events.push('ack'));
        rx.on('nak', () => events.push('nak'));
        rx.on('xon', () => events.push('xon'));
        rx.on('xoff', () => events.push('xoff'));
        rx.on('packet', (p) => {
          events.push(`packet${p.type}`);
          packetData = p.data;
        });
        let offset = 0;
        for (const cut of cuts) {
          rx.push(stream.subarray(offset, offset + cut));
          offset += cut;
        }
        rx.push(stream.subarray(offset));
        rx.reset();
        expect(text).toBe('hello\r\nbye');
        expect(events).toEqual(['ack', 'xoff', 'packet0', 'xon', 'nak']);
        expect(packetData).toEqual(Buffer.from(payload));
      }),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { busAttempt, decodeBh1750, decodeScd41, encodeScd41, sensirionCrc8 } from './sensors.ts';

describe('sensor decoding', () => {
  it('Sensirion CRC-8 matches the datasheet example (0xBEEF -> 0x92)', () => {
    expect(sensirionCrc8(0xbe, 0xef)).toBe(0x92);
  });

  it('Sensirion CRC-8 equals the textbook bitwise CRC (poly 0x31, init 0xFF) on every 16-bit word', () => {
    const reference = (bytes: number[]): number => {
      let crc = 0xff;
      for (const byte of bytes) {
        crc ^= byte;
        for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
      }
      return crc;
    };
    for (let hi = 0; hi < 256; hi++) for (let lo = 0; lo < 256; lo++) if (sensirionCrc8(hi, lo) !== reference([hi, lo])) expect([hi, lo]).toBe('equal');
  });

  it('busAttempt turns an exception (an I2C NAK on Espruino) into the fault value and passes results through', () => {
    expect(busAttempt('x_nak', () => { throw new Error('NAK'); })).toEqual({ ok: false, code: 'x_nak' });
    expect(busAttempt('x_nak', () => null)).toBeNull();
    expect(busAttempt('x_nak', () => ({ ok: true, lux: 3 }))).toEqual({ ok: true, lux: 3 });
  });

  it('decodes SCD41 words to integer scaled units, exactly like the datasheet formulas', () => {
    for (const [co2, rawT, rawH] of [[400, 0, 0], [1234, 0x6667, 0x5eb9], [5000, 65535, 65535], [600, 19000, 30000]]) {
      const decoded = decodeScd41(encodeScd41(co2!, rawT!, rawH!));
      expect(decoded).toEqual({
        ok: true, co2,
        t: Math.floor((-45 + (175 * rawT!) / 65535) * 100 + 1e-9),
        h: Math.floor(((100 * rawH!) / 65535) * 100 + 1e-9),
      });
    }
  });

  it('turns a bad CRC, a short read or a not-ready answer into a fault value', () => {
    const bytes = encodeScd41(800, 20000, 30000);
    for (let i = 0; i < 9; i++) {
      const bad = bytes.slice();
      bad[i] ^= 0x10;
      expect(decodeScd41(bad)).toEqual({ ok: false, code: 'scd41_crc' });
    }
    expect(decodeScd41(bytes.slice(0, 6))).toEqual({ ok: false, code: 'scd41_short' });
    expect(decodeScd41(encodeScd41(0, 20000, 30000))).toEqual({ ok: false, code: 'scd41_not_ready' });
  });

  it('decodes BH1750 counts to lux (raw / 1.2, floored)', () => {
    expect(decodeBh1750([0x01, 0x90])).toEqual({ ok: true, lux: 333 }); // 400 / 1.2
    expect(decodeBh1750([0xff, 0xff])).toEqual({ ok: true, lux: 54612 });
    expect(decodeBh1750([1])).toEqual({ ok: false, code: 'bh1750_short' });
  });
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsDir } from '../../paths.ts';
import { VirtualBoard } from '../board.ts';
import {
  Bh1750, I2CBus, I2CError, Mpu6050, Scd41, constantSource, harReplay, occupancyReplay, sensirionCrc8,
} from './index.ts';

const be16 = (bytes: Uint8Array, i: number) => (bytes[i]! << 8) | bytes[i + 1]!;
const env = constantSource({ co2_ppm: 812, temperature_c: 22.5, humidity_pct: 41.2, light_lux: 300, ax_mg: 0, ay_mg: -500, az_mg: 1000 });

describe('Sensirion CRC-8', () => {
  it('matches the datasheet example: 0xBEEF -> 0x92', () => {
    expect(sensirionCrc8([0xbe, 0xef])).toBe(0x92);
  });
});

describe('SCD41 at 0x62', () => {
  const cmd = (c: number) => new Uint8Array([c >> 8, c & 0xff]);

  it('single shot: NAKs while measuring, then returns CO2/T/RH words each with a CRC', () => {
    const bus = new I2CBus();
    bus.attach(new Scd41(env));
    bus.writeTo(0x62, cmd(0x219d), 0);
    expect(() => bus.writeTo(0x62, cmd(0xec05), 1000)).toThrow(I2CError);
    bus.writeTo(0x62, cmd(0xec05), 5001);
    const data = bus.readFrom(0x62, 9, 5002);
    for (let i = 0; i < 9; i += 3) expect(data[i + 2]).toBe(sensirionCrc8(data, i, 2));
    expect(be16(data, 0)).toBe(812);
    expect(-45 + (175 * be16(data, 3)) / 65535).toBeCloseTo(22.5, 2);
    expect((100 * be16(data, 6)) / 65535).toBeCloseTo(41.2, 2);
  });

  it('periodic: first result after 5 s, data-ready status, no second read of the same result', () => {
    const bus = new I2CBus();
    bus.attach(new Scd41(env));
    bus.writeTo(0x62, cmd(0x21b1), 0);
    bus.writeTo(0x62, cmd(0xe4b8), 100);
    expect(be16(bus.readFrom(0x62, 3, 101), 0) & 0x7ff).toBe(0);
    bus.writeTo(0x62, cmd(0xe4b8), 5000);
    expect(be16(bus.readFrom(0x62, 3, 5001), 0) & 0x7ff).not.toBe(0);
    bus.writeTo(0x62, cmd(0xec05), 5002);
    expect(be16(bus.readFrom(0x62, 9, 5003), 0)).toBe(812);
    expect(() => bus.writeTo(0x62, cmd(0xec05), 5010)).toThrow(/no unread measurement/);
    bus.writeTo(0x62, cmd(0xec05), 10_001);
  });

  it('faults: a corrupted CRC, and a device that is absent', () => {
    const bus = new I2CBus();
    const scd = new Scd41(env);
    bus.attach(scd);
    scd.fault = 'crc';
    bus.writeTo(0x62, cmd(0x219d), 0);
    bus.writeTo(0x62, cmd(0xec05), 5000);
    const data = bus.readFrom(0x62, 9, 5000);
    expect(data[2]).not.toBe(sensirionCrc8(data, 0, 2));
    scd.fault = 'absent';
    expect(() => bus.writeTo(0x62, cmd(0x219d), 6000)).toThrow(/did not acknowledge/);
    expect(() => bus.readFrom(0x10, 2, 0)).toThrow(/0x10 did not acknowledge/);
  });
});

describe('BH1750 at 0x23', () => {
  it('one-time high resolution: raw = lux * 1.2 after 120 ms, the previous value before', () => {
    const bus = new I2CBus();
    bus.attach(new Bh1750(env));
    bus.writeTo(0x23, new Uint8Array([0x20]), 0);
    expect(be16(bus.readFrom(0x23, 2, 50), 0)).toBe(0);
    expect(be16(bus.readFrom(0x23, 2, 120), 0) / 1.2).toBeCloseTo(300, 0);
  });
});

describe('MPU-6050 at 0x68', () => {
  it('is asleep after reset, then gives big-endian int16 X/Y/Z scaled by the range', () => {
    const bus = new I2CBus();
    bus.attach(new Mpu6050(env));
    bus.writeTo(0x68, new Uint8Array([0x75]), 0);
    expect(bus.readFrom(0x68, 1, 0)[0]).toBe(0x68);
    bus.writeTo(0x68, new Uint8Array([0x3b]), 0);
    expect([...bus.readFrom(0x68, 6, 0)]).toEqual([0, 0, 0, 0, 0, 0]); // asleep
    bus.writeTo(0x68, new Uint8Array([0x6b, 0x00]), 0); // wake
    bus.writeTo(0x68, new Uint8Array([0x1c, 0x08]), 0); // ±4 g: 8192 LSB/g
    bus.writeTo(0x68, new Uint8Array([0x3b]), 10);
    const xyz = bus.readFrom(0x68, 6, 10);
    const s16 = (i: number) => (be16(xyz, i) << 16) >> 16;
    expect([s16(0), s16(2), s16(4)]).toEqual([0, -4096, 8192]);
  });
});

describe('sensors seen from firmware', () => {
  it('reads the SCD41 through I2C1 on the board pins, and sees nothing on other pins', () => {
    const board = new VirtualBoard({ sensors: { environment: env } });
    board.install({ bundle: '// app' });
    board.boot();
    board.evaluate('I2C1.setup({ scl: D22, sda: D21 }); I2C1.writeTo(0x62, [0x21, 0x9d]);');
    board.clock.advanceBy(5000);
    const co2 = board.evaluate('I2C1.writeTo(0x62, [0xec, 0x05]); var d = I2C1.readFrom(0x62, 9); (d[0] << 8) | d[1]');
    expect(co2).toBe(812);
    board.evaluate('I2C1.setup({ scl: D4, sda: D5 })');
    expect(() => board.evaluate('I2C1.readFrom(0x62, 9)')).toThrow(/no device answers/);
  });
});

const occupancyCsv = join(datasetsDir(), 'occupancy', 'occupancy_test1.csv');
const harCsv = join(datasetsDir(), 'har-wrist', 'sw_acc.csv');

describe.skipIf(!existsSync(occupancyCsv))('dataset replays', () => {
  it('occupancy: the row in force at the file start + t, looping past the end', () => {
    const replay = occupancyReplay(occupancyCsv);
    expect(replay.rows).toBe(2665);
    expect(replay.source(0)).toEqual({ temperature_c: 23.7, humidity_pct: 26.272, light_lux: 585.2, co2_ppm: 749.2 });
    expect(replay.source(60_000).co2_ppm).toBe(760.4);
    expect(replay.source(replay.durationMs)).toEqual(replay.source(0));
    expect(replay.occupancyAt(0)).toBe(1);
  });

  it.skipIf(!existsSync(harCsv))('har-wrist: one subject, interpolated between samples', () => {
    const replay = harReplay(harCsv, { subject: 's01', execution: 1 });
    expect(replay.samples).toBe(1377);
    const first = replay.source(0);
    expect(first).toEqual({ ax_mg: 39, ay_mg: -360, az_mg: 929 });
    expect(replay.activityAt(0)).toBe('SEATED');
    const mid = replay.source(4.5);
    expect(mid.ay_mg).toBeGreaterThan(-367);
    expect(mid.ay_mg).toBeLessThan(-360);
  });
});

/**
 * Pure decoding for the occupancy node's I2C sensors, shared by the device drivers
 * (firmware/hal/sensors/*) and host tests/simulated sensors, so both sides convert identically.
 * All results are integers in scaled units (ESPRUINO.md: never rely on number printing).
 */

import { fault as sensorFault, type Fault } from './fault';

/** Sensirion CRC-8: polynomial 0x31, init 0xFF, over one 16-bit word (two bytes, MSB first). */
export function sensirionCrc8(hi: number, lo: number): number {
  var crc = 0xff;
  for (var bit = 0; bit < 16; bit++) {
    // Each byte enters the register before its 8 shifts.
    if (!(bit & 7)) crc ^= bit ? lo : hi;
    crc = ((crc << 1) ^ (crc & 0x80 ? 0x31 : 0)) & 0xff;
  }
  return crc;
}

export var SCD41_ADDRESS = 0x62;
/** measure_single_shot: result ready after 5000 ms. */
export var SCD41_MEASURE_SINGLE_SHOT = [0x21, 0x9d];
export var SCD41_MEASURE_MS = 5000;
export var SCD41_READ_MEASUREMENT = [0xec, 0x05];

export interface Scd41Reading {
  ok: true;
  /** CO2 in ppm. */
  co2: number;
  /** Temperature in centi-degrees Celsius: -4500 + floor(17500 * raw / 65535). */
  t: number;
  /** Relative humidity in centi-percent: floor(10000 * raw / 65535). */
  h: number;
}
/** A driver's expected failure, as a value (the code travels in an error frame). */
export type SensorFault = Fault;

/** Runs one bus transaction; an exception (Espruino throws on an I2C NAK) becomes the fault `code`. */
export function busAttempt<T>(code: string, transaction: () => T): T | SensorFault {
  try {
    return transaction();
  } catch (e) {
    return sensorFault(code);
  }
}

/** Decodes read_measurement's 9 bytes (CO2, T, RH words, each followed by its CRC). */
export function decodeScd41(bytes: ArrayLike<number>): Scd41Reading | SensorFault {
  if (bytes.length !== 9) return sensorFault('scd41_short');
  var words: number[] = [];
  for (var i = 0; i < 9; i += 3) {
    if (sensirionCrc8(bytes[i], bytes[i + 1]) !== bytes[i + 2]) return sensorFault('scd41_crc');
    words.push((bytes[i] << 8) | bytes[i + 1]);
  }
  // The SCD41 answers 0 ppm when no measurement was ready.
  if (words[0] === 0) return sensorFault('scd41_not_ready');
  return {
    ok: true,
    co2: words[0],
    t: -4500 + Math.floor((17500 * words[1]) / 65535),
    h: Math.floor((10000 * words[2]) / 65535),
  };
}

/** The 9 bytes an SCD41 sends for these raw words (for simulated sensors and tests). */
export function encodeScd41(co2: number, rawT: number, rawH: number): number[] {
  var out: number[] = [];
  var words = [co2, rawT, rawH];
  for (var i = 0; i < 3; i++) {
    var hi = (words[i] >> 8) & 0xff;
    var lo = words[i] & 0xff;
    out.push(hi, lo, sensirionCrc8(hi, lo));
  }
  return out;
}

export var BH1750_ADDRESS = 0x23;
/** One-time high-resolution mode: 1 lx resolution, result within 180 ms, then powers down. */
export var BH1750_ONE_TIME_HIGH_RES = 0x20;
export var BH1750_MEASURE_MS = 180;

export interface Bh1750Reading {
  ok: true;
  /** Illuminance in lux: floor(raw * 10 / 12) (the datasheet's raw / 1.2). */
  lux: number;
}

export function decodeBh1750(bytes: ArrayLike<number>): Bh1750Reading | SensorFault {
  if (bytes.length !== 2) return sensorFault('bh1750_short');
  var raw = (bytes[0] << 8) | bytes[1];
  return { ok: true, lux: Math.floor((raw * 10) / 12) };
}

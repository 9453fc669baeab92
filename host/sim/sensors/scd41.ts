/**
 * Sensirion SCD41 CO2 / temperature / humidity sensor at I2C address 0x62, emulated at command
 * level from the datasheet: 16-bit big-endian commands; every 16-bit word the sensor sends is
 * followed by its CRC-8 (poly 0x31, init 0xFF). Conversions: CO2 ppm = word,
 * T = -45 + 175 * word / 65535, RH = 100 * word / 65535.
 *
 * Timing matters to a low-power node and is modelled on the virtual clock: a periodic
 * measurement is ready 5 s after start and every 5 s after; a single shot (0x219d) takes 5 s,
 * during which the sensor NAKs; read_measurement NAKs when no unread measurement exists.
 */
import { type I2CDevice, type I2CFault, I2CError, sensirionCrc8 } from './i2c-bus.ts';
import type { SignalSource } from './signals.ts';

export const SCD41_ADDRESS = 0x62;

export const SCD41_COMMANDS = {
  startPeriodicMeasurement: 0x21b1,
  readMeasurement: 0xec05,
  stopPeriodicMeasurement: 0x3f86,
  getDataReadyStatus: 0xe4b8,
  measureSingleShot: 0x219d,
  measureSingleShotRhtOnly: 0x2196,
  getSerialNumber: 0x3682,
  wakeUp: 0x36f6,
  powerDown: 0x36e0,
  reinit: 0x3646,
  setTemperatureOffset: 0x241d,
  setSensorAltitude: 0x2427,
  setAmbientPressure: 0xe000,
  persistSettings: 0x3615,
  performSelfTest: 0x3639,
} as const;

const PERIOD_MS = 5000;
const SERIAL = [0x1234, 0x5678, 0x9abc];

interface Measurement {
  co2: number;
  t: number;
  rh: number;
}

function word(value: number): number {
  return Math.max(0, Math.min(0xffff, Math.round(value)));
}

export class Scd41 implements I2CDevice {
  readonly address = SCD41_ADDRESS;
  readonly name = 'SCD41';
  fault: I2CFault = null;
  private periodicSinceMs: number | undefined;
  private periodicTaken = 0;
  private singleShot: { readyAtMs: number; rhtOnly: boolean } | undefined;
  private latest: Measurement | undefined;
  private unread = false;
  private asleep = false;
  private response: number[] = [];
  /** Measurements served, for tests. */
  measurements = 0;

  constructor(private readonly source: SignalSource) {}

  private measureAt(tMs: number, rhtOnly: boolean): Measurement {
    const s = this.source(tMs);
    this.measurements++;
    return {
      co2: rhtOnly ? 0 : word(s.co2_ppm ?? 420),
      t: word((((s.temperature_c ?? 21) + 45) * 65535) / 175),
      rh: word(((s.humidity_pct ?? 40) * 65535) / 100),
    };
  }

  /** Brings measurement state up to tMs (periodic ticks and a finished single shot). */
  private update(tMs: number): void {
    if (this.periodicSinceMs !== undefined) {
      const due = Math.floor((tMs - this.periodicSinceMs) / PERIOD_MS);
      if (due > this.periodicTaken) {
        this.periodicTaken = due;
        this.latest = this.measureAt(this.periodicSinceMs + due * PERIOD_MS, false);
        this.unread = true;
      }
    }
    if (this.singleShot && tMs >= this.singleShot.readyAtMs) {
      this.latest = this.measureAt(this.singleShot.readyAtMs, this.singleShot.rhtOnly);
      this.unread = true;
      this.singleShot = undefined;
    }
  }

  private busy(tMs: number): boolean {
    return this.singleShot !== undefined && tMs < this.singleShot.readyAtMs;
  }

  private nak(why: string): never {
    throw new I2CError(`I2C device 0x62 did not acknowledge (NAK): SCD41 ${why}`);
  }

  private words(values: number[]): number[] {
    const out: number[] = [];
    for (const v of values) {
      const hi = (v >> 8) & 0xff;
      const lo = v & 0xff;
      let crc = sensirionCrc8([hi, lo]);
      if (this.fault === 'crc') crc ^= 0x5a;
      out.push(hi, lo, crc);
    }
    return out;
  }

  write(bytes: Uint8Array, tMs: number): void {
    this.update(tMs);
    if (bytes.length < 2) this.nak('needs a 16-bit command');
    const command = (bytes[0]! << 8) | bytes[1]!;
    if (this.asleep && command !== SCD41_COMMANDS.wakeUp) this.nak('is powered down (send wake_up 0x36f6 first)');
    if (this.busy(tMs)) this.nak('is busy with a single-shot measurement (it takes 5 s)');
    // Arguments come as words each followed by a CRC; a wrong CRC is refused.
    for (let i = 2; i + 3 <= bytes.length; i += 3) {
      if (sensirionCrc8(bytes, i, 2) !== bytes[i + 2]) this.nak('argument CRC mismatch');
    }
    this.response = [];
    const periodic = this.periodicSinceMs !== undefined;
    const C = SCD41_COMMANDS;
    switch (command) {
      case C.startPeriodicMeasurement:
        if (periodic) this.nak('is already measuring periodically');
        this.periodicSinceMs = tMs;
        this.periodicTaken = 0;
        break;
      case C.stopPeriodicMeasurement:
        this.periodicSinceMs = undefined;
        break;
      case C.readMeasurement:
        if (!this.unread || !this.latest) this.nak('has no unread measurement');
        this.response = this.words([this.latest.co2, this.latest.t, this.latest.rh]);
        this.unread = false;
        break;
      case C.getDataReadyStatus:
        this.response = this.words([this.unread ? 0x8006 : 0x8000]);
        break;
      case C.measureSingleShot:
      case C.measureSingleShotRhtOnly:
        if (periodic) this.nak('cannot single-shot while measuring periodically');
        this.singleShot = { readyAtMs: tMs + (command === C.measureSingleShot ? 5000 : 50), rhtOnly: command !== C.measureSingleShot };
        break;
      case C.getSerialNumber:
        if (periodic) this.nak('only answers get_serial_number when idle');
        this.response = this.words(SERIAL);
        break;
      case C.wakeUp:
        // The sensor does not acknowledge wake_up, by design (datasheet 3.9.3).
        this.asleep = false;
        this.nak('wake_up is never acknowledged');
        break;
      case C.powerDown:
        this.asleep = true;
        this.periodicSinceMs = undefined;
        break;
      case C.performSelfTest:
        this.response = this.words([0]);
        break;
      case C.reinit:
      case C.setTemperatureOffset:
      case C.setSensorAltitude:
      case C.setAmbientPressure:
      case C.persistSettings:
        break;
      default:
        this.nak(`does not know command 0x${command.toString(16)}`);
    }
  }

  read(count: number, tMs: number): Uint8Array {
    this.update(tMs);
    if (this.asleep) this.nak('is powered down');
    if (this.busy(tMs)) this.nak('is busy with a single-shot measurement');
    const out = new Uint8Array(count).fill(0xff);
    for (let i = 0; i < count && i < this.response.length; i++) out[i] = this.response[i]!;
    return out;
  }
}

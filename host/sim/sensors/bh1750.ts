/**
 * ROHM BH1750 ambient light sensor at I2C address 0x23 (ADDR pin low). Opcodes from the
 * datasheet: 0x00 power down, 0x01 power on, 0x07 reset, 0x10/0x11/0x13 continuous
 * high-res/high-res2/low-res, 0x20/0x21/0x23 one-time modes. A read returns the last completed
 * result as 2 bytes big-endian; lux = raw / 1.2 (high-res2 counts half-lux steps). A measurement
 * takes 120 ms (16 ms low-res); reading earlier returns the previous result, as the chip does.
 */
import type { I2CDevice, I2CFault } from './i2c-bus.ts';
import type { SignalSource } from './signals.ts';

export const BH1750_ADDRESS = 0x23;

interface Mode {
  continuous: boolean;
  durationMs: number;
  /** raw counts per lux */
  countsPerLux: number;
}

const MODES: Record<number, Mode> = {
  0x10: { continuous: true, durationMs: 120, countsPerLux: 1.2 },
  0x11: { continuous: true, durationMs: 120, countsPerLux: 2.4 },
  0x13: { continuous: true, durationMs: 16, countsPerLux: 1.2 },
  0x20: { continuous: false, durationMs: 120, countsPerLux: 1.2 },
  0x21: { continuous: false, durationMs: 120, countsPerLux: 2.4 },
  0x23: { continuous: false, durationMs: 16, countsPerLux: 1.2 },
};

export class Bh1750 implements I2CDevice {
  readonly address = BH1750_ADDRESS;
  readonly name = 'BH1750';
  fault: I2CFault = null;
  private poweredOn = false;
  private mode: Mode | undefined;
  private startedMs = 0;
  private register = 0;
  private pendingOneShot = false;

  constructor(private readonly source: SignalSource) {}

  private sample(atMs: number, mode: Mode): number {
    const lux = this.source(atMs).light_lux ?? 0;
    return Math.max(0, Math.min(0xffff, Math.floor(lux * mode.countsPerLux)));
  }

  /** Completes measurements that have finished by tMs. */
  private update(tMs: number): void {
    const mode = this.mode;
    if (!mode) return;
    if (mode.continuous) {
      const cycles = Math.floor((tMs - this.startedMs) / mode.durationMs);
      if (cycles >= 1) this.register = this.sample(this.startedMs + cycles * mode.durationMs, mode);
    } else if (this.pendingOneShot && tMs >= this.startedMs + mode.durationMs) {
      this.register = this.sample(this.startedMs + mode.durationMs, mode);
      this.pendingOneShot = false;
      this.mode = undefined;
      this.poweredOn = false; // one-time modes power down by themselves
    }
  }

  write(bytes: Uint8Array, tMs: number): void {
    this.update(tMs);
    for (const opcode of bytes) {
      if (opcode === 0x00) {
        this.poweredOn = false;
        this.mode = undefined;
      } else if (opcode === 0x01) {
        this.poweredOn = true;
      } else if (opcode === 0x07) {
        if (this.poweredOn) this.register = 0;
      } else if (MODES[opcode]) {
        this.poweredOn = true;
        this.mode = MODES[opcode];
        this.startedMs = tMs;
        this.pendingOneShot = !MODES[opcode]!.continuous;
      }
      // Measurement-time (MTreg) opcodes 0x40-0x47 / 0x60-0x7F are accepted and ignored.
    }
  }

  read(count: number, tMs: number): Uint8Array {
    this.update(tMs);
    const out = new Uint8Array(count).fill(0xff);
    if (count > 0) out[0] = (this.register >> 8) & 0xff;
    if (count > 1) out[1] = this.register & 0xff;
    if (this.fault === 'crc' && count > 1) out[1] ^= 0x55; // no CRC on this chip: corrupt the data
    return out;
  }
}

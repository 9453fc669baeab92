/**
 * InvenSense MPU-6050 accelerometer/gyroscope at I2C address 0x68, emulated at register level:
 * a write sets the register pointer and writes following bytes to consecutive registers; a read
 * returns bytes from the pointer, auto-incrementing. PWR_MGMT_1 (0x6B) resets to 0x40 (asleep),
 * ACCEL_CONFIG (0x1C) bits 4:3 pick ±2/4/8/16 g (16384/8192/4096/2048 LSB per g), and
 * ACCEL_XOUT_H (0x3B) starts 6 bytes of big-endian int16 X, Y, Z, then temperature and gyro.
 * Samples latch at the configured sample rate (SMPLRT_DIV 0x19, DLPF in CONFIG 0x1A).
 * Not modelled: the FIFO, interrupts pins, motion detection.
 */
import type { I2CDevice, I2CFault } from './i2c-bus.ts';
import type { SignalSource } from './signals.ts';

export const MPU6050_ADDRESS = 0x68;

export const MPU6050_REGISTERS = {
  SMPLRT_DIV: 0x19,
  CONFIG: 0x1a,
  GYRO_CONFIG: 0x1b,
  ACCEL_CONFIG: 0x1c,
  INT_STATUS: 0x3a,
  ACCEL_XOUT_H: 0x3b,
  TEMP_OUT_H: 0x41,
  GYRO_XOUT_H: 0x43,
  PWR_MGMT_1: 0x6b,
  PWR_MGMT_2: 0x6c,
  WHO_AM_I: 0x75,
} as const;

const R = MPU6050_REGISTERS;

function int16(value: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(value)));
}

export class Mpu6050 implements I2CDevice {
  readonly address = MPU6050_ADDRESS;
  readonly name = 'MPU-6050';
  fault: I2CFault = null;
  private registers = new Uint8Array(128);
  private pointer = 0;

  constructor(private readonly source: SignalSource) {
    this.reset();
  }

  private reset(): void {
    this.registers.fill(0);
    this.registers[R.PWR_MGMT_1] = 0x40;
    this.registers[R.WHO_AM_I] = 0x68;
  }

  get asleep(): boolean {
    return (this.registers[R.PWR_MGMT_1]! & 0x40) !== 0;
  }

  get rangeG(): number {
    return 2 << ((this.registers[R.ACCEL_CONFIG]! >> 3) & 3);
  }

  get sampleRateHz(): number {
    const dlpf = (this.registers[R.CONFIG]! & 7) !== 0 && (this.registers[R.CONFIG]! & 7) !== 7;
    return Math.min(1000, (dlpf ? 1000 : 8000) / (1 + this.registers[R.SMPLRT_DIV]!));
  }

  /** Fills the data registers with the sample latched at tMs. */
  private latch(tMs: number): void {
    if (this.asleep) return;
    const periodMs = 1000 / this.sampleRateHz;
    const s = this.source(Math.floor(tMs / periodMs) * periodMs);
    const lsbPerG = 32768 / this.rangeG;
    const put = (reg: number, value: number) => {
      const v = int16(value) & 0xffff;
      this.registers[reg] = v >> 8;
      this.registers[reg + 1] = v & 0xff;
    };
    put(R.ACCEL_XOUT_H, ((s.ax_mg ?? 0) / 1000) * lsbPerG);
    put(R.ACCEL_XOUT_H + 2, ((s.ay_mg ?? 0) / 1000) * lsbPerG);
    put(R.ACCEL_XOUT_H + 4, ((s.az_mg ?? 1000) / 1000) * lsbPerG);
    put(R.TEMP_OUT_H, ((s.temperature_c ?? 25) - 36.53) * 340);
    const lsbPerDps = 131 / (1 << ((this.registers[R.GYRO_CONFIG]! >> 3) & 3));
    put(R.GYRO_XOUT_H, (s.gx_dps ?? 0) * lsbPerDps);
    put(R.GYRO_XOUT_H + 2, (s.gy_dps ?? 0) * lsbPerDps);
    put(R.GYRO_XOUT_H + 4, (s.gz_dps ?? 0) * lsbPerDps);
    this.registers[R.INT_STATUS] = 0x01; // DATA_RDY
  }

  write(bytes: Uint8Array, _tMs: number): void {
    if (bytes.length === 0) return;
    this.pointer = bytes[0]! & 0x7f;
    for (let i = 1; i < bytes.length; i++) {
      const reg = this.pointer;
      if (reg === R.PWR_MGMT_1 && bytes[i]! & 0x80) {
        this.reset(); // DEVICE_RESET
      } else if (reg !== R.WHO_AM_I && !(reg >= 0x3b && reg <= 0x48)) {
        this.registers[reg] = bytes[i]!;
      }
      this.pointer = (this.pointer + 1) & 0x7f;
    }
  }

  read(count: number, tMs: number): Uint8Array {
    this.latch(tMs);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.registers[this.pointer]!;
      this.pointer = (this.pointer + 1) & 0x7f;
    }
    if (this.fault === 'crc' && count > 0) out[0] ^= 0x40; // no CRC on this chip: corrupt the data
    return out;
  }
}

/**
 * InvenSense MPU-6050 at I2C 0x68, accelerometer only: ±8 g (4096 LSB per g), 50 Hz sample rate
 * (1 kHz with the low-pass filter on, divided by 1 + 19). One sample = one 6-byte burst read of
 * ACCEL_XOUT_H..ACCEL_ZOUT_L, big-endian int16, converted to integer milli-g.
 * Failures are values: { ok: false, code }.
 */
export var MPU6050_ADDRESS = 0x68;
var PWR_MGMT_1 = 0x6b;
var SMPLRT_DIV = 0x19;
var CONFIG = 0x1a;
var ACCEL_CONFIG = 0x1c;
var ACCEL_XOUT_H = 0x3b;
var WHO_AM_I = 0x75;

export type Mpu6050Fault = { ok: false; code: string };

/** The part of Espruino's I2C object this driver uses (structural, so host code can import the
 * pure helpers below without the device typings). */
export interface I2CPort {
  writeTo(address: number, data: number | number[]): void;
  readFrom(address: number, quantity: number): Uint8Array;
}

/** Wakes the chip (clock from the X gyro), sets 50 Hz and ±8 g. */
export function mpu6050Start(i2c: I2CPort): Mpu6050Fault | null {
  try {
    i2c.writeTo(MPU6050_ADDRESS, WHO_AM_I);
    var id = i2c.readFrom(MPU6050_ADDRESS, 1);
    if (id[0] !== 0x68) return { ok: false, code: 'mpu6050_id' };
    i2c.writeTo(MPU6050_ADDRESS, [PWR_MGMT_1, 0x01]);
    i2c.writeTo(MPU6050_ADDRESS, [CONFIG, 0x03]);
    i2c.writeTo(MPU6050_ADDRESS, [SMPLRT_DIV, 19]);
    i2c.writeTo(MPU6050_ADDRESS, [ACCEL_CONFIG, 0x10]);
    return null;
  } catch (e) {
    return { ok: false, code: 'mpu6050_nak' };
  }
}

/** Signed 16-bit from two big-endian bytes. */
function int16(hi: number, lo: number): number {
  var v = (hi << 8) | lo;
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** Raw counts at ±8 g to milli-g: floor(raw · 1000 / 4096), the same on host and device. */
export function countsToMg(raw: number): number {
  return Math.floor((raw * 125) / 512);
}

/** Reads one sample into out[0..2] (milli-g). Returns false when the bus failed. */
export function mpu6050Read(i2c: I2CPort, out: Int16Array): boolean {
  try {
    i2c.writeTo(MPU6050_ADDRESS, ACCEL_XOUT_H);
    var b = i2c.readFrom(MPU6050_ADDRESS, 6);
    if (b.length !== 6) return false;
    out[0] = countsToMg(int16(b[0], b[1]));
    out[1] = countsToMg(int16(b[2], b[3]));
    out[2] = countsToMg(int16(b[4], b[5]));
    return true;
  } catch (e) {
    return false;
  }
}

/**
 * ROHM BH1750 (light) at I2C 0x23: start() sends one-time high-resolution mode (result within
 * 180 ms, then the chip powers down by itself), read() fetches 2 bytes big-endian, lux = raw/1.2.
 */
import type { Bh1750Reading, SensorFault } from '../../core/sensors';
import { BH1750_ADDRESS, BH1750_ONE_TIME_HIGH_RES, busAttempt, decodeBh1750 } from '../../core/sensors';

export function bh1750Start(i2c: I2C): SensorFault | null {
  return busAttempt('bh1750_nak', function () {
    i2c.writeTo(BH1750_ADDRESS, BH1750_ONE_TIME_HIGH_RES);
    return null;
  });
}

export function bh1750Read(i2c: I2C): Bh1750Reading | SensorFault {
  return busAttempt('bh1750_nak', function () {
    return decodeBh1750(i2c.readFrom(BH1750_ADDRESS, 2));
  });
}

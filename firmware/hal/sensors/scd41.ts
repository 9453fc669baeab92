/**
 * Sensirion SCD41 (CO2, temperature, humidity) at I2C 0x62, single-shot mode: start() sends
 * measure_single_shot, read() (>= 5 s later) sends read_measurement and decodes 9 bytes with
 * their CRCs (firmware/core/sensors.ts). Faults (NAK, exception, bad CRC) come back as values.
 */
import type { Scd41Reading, SensorFault } from '../../core/sensors';
import { busAttempt, decodeScd41, SCD41_ADDRESS, SCD41_MEASURE_SINGLE_SHOT, SCD41_READ_MEASUREMENT } from '../../core/sensors';

export function scd41Start(i2c: I2C): SensorFault | null {
  return busAttempt('scd41_nak', function () {
    i2c.writeTo(SCD41_ADDRESS, SCD41_MEASURE_SINGLE_SHOT);
    return null;
  });
}

export function scd41Read(i2c: I2C): Scd41Reading | SensorFault {
  return busAttempt('scd41_nak', function () {
    i2c.writeTo(SCD41_ADDRESS, SCD41_READ_MEASUREMENT);
    return decodeScd41(i2c.readFrom(SCD41_ADDRESS, 9));
  });
}

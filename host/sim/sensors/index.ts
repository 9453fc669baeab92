/**
 * The sensors a virtual board carries, and what they measure. By default every board has an
 * SCD41 (0x62), a BH1750 (0x23) and an MPU-6050 (0x68) on its I2C pins, reading a synthetic
 * office day and an accelerometer at rest; replay sources feed them the project's datasets.
 */
import { Bh1750 } from './bh1750.ts';
import type { I2CDevice } from './i2c-bus.ts';
import { Mpu6050 } from './mpu6050.ts';
import { Scd41 } from './scd41.ts';
import { accelAtRest, officeDay, type SignalSource } from './signals.ts';

export type SensorName = 'scd41' | 'bh1750' | 'mpu6050';

export interface SensorOptions {
  /** Environment signals (temperature_c, humidity_pct, light_lux, co2_ppm). Default officeDay(). */
  environment?: SignalSource;
  /** Acceleration (ax_mg, ay_mg, az_mg). Default accelAtRest(). */
  motion?: SignalSource;
  /** Which chips are fitted. Default all three. */
  devices?: SensorName[];
  /** ADC pin sources ({ volts }) by pin name, e.g. { D34: () => ({ volts: 1.65 }) }. */
  adc?: Record<string, SignalSource>;
}

export function defaultSensors(options: SensorOptions): I2CDevice[] {
  const environment = options.environment ?? officeDay();
  const motion = options.motion ?? accelAtRest();
  const fitted = options.devices ?? ['scd41', 'bh1750', 'mpu6050'];
  const devices: I2CDevice[] = [];
  if (fitted.includes('scd41')) devices.push(new Scd41(environment));
  if (fitted.includes('bh1750')) devices.push(new Bh1750(environment));
  if (fitted.includes('mpu6050')) devices.push(new Mpu6050((t) => ({ ...environment(t), ...motion(t) })));
  return devices;
}

export { Scd41, SCD41_ADDRESS, SCD41_COMMANDS } from './scd41.ts';
export { Bh1750, BH1750_ADDRESS } from './bh1750.ts';
export { Mpu6050, MPU6050_ADDRESS, MPU6050_REGISTERS } from './mpu6050.ts';
export { I2CBus, I2CError, sensirionCrc8, type I2CDevice, type I2CFault } from './i2c-bus.ts';
export * from './signals.ts';

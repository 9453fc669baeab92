/** Wake status and deep sleep (ESP32: deep sleep never returns; the chip reboots on wake). */
import type { WakeStatus } from '../core/step';

export function wakeStatus(): WakeStatus {
  var memory = process.memory(false);
  return {
    cause: ESP32.getWakeupCause(),
    flags: E.getErrorFlags(),
    free: memory.free,
    used: memory.usage,
    total: memory.total,
  };
}

/** Sleeps what is left of `periodMs` since `startedAt` (getTime() seconds), at least 1 s. */
export function deepSleepRest(periodMs: number, startedAt: number): void {
  var awakeMs = (getTime() - startedAt) * 1000;
  var ms = periodMs - awakeMs;
  if (ms < 1000) ms = 1000;
  ESP32.deepSleep(Math.floor(ms) * 1000);
}

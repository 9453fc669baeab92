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
  ESP32.deepSleep(Math.floor(Math.max(periodMs - (getTime() - startedAt) * 1000, 1000)) * 1000);
}

/**
 * Waits `ms` in light sleep, then calls `then` (a `NodeLink.wait`, apps/occupancy/node.ts; the
 * arguments in setTimeout's order, so a serial build passes setTimeout itself).
 * Light sleep keeps RAM and the JS state (ESPRUINO.md section 3) at ~0.8 mA instead of ~25 mA
 * idling: on a node woken for a 5 s SCD41 single shot it is most of the wake's energy.
 * ESP32.lightSleep blocks: nothing else runs meanwhile (no console input, no timer callbacks);
 * timers that fell due during it run, late and in order, once `then` returns. Where the call is
 * missing (another Espruino build) the wait is an ordinary timer.
 */
export function lightSleepThen(then: () => void, ms: number): void {
  if (ESP32.lightSleep) {
    ESP32.lightSleep(ms);
    then();
  } else setTimeout(then, ms);
}

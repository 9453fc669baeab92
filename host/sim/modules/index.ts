/**
 * The virtual board's built-in modules, reached from firmware with require(name). Each entry is a
 * factory called once per boot (per sandbox) with the session's context; the object it returns
 * is what require() gives the firmware.
 *
 * REGISTRATION POINT: add a module by adding a line to BUILTIN_MODULES (or, from a test or a
 * tool, pass `modules: { Name: factory }` to new VirtualBoard). 'net' and 'Wifi' belong to the
 * device-network work (host/sim/modules/net.ts and wifi.ts, on the board's VirtualNetwork).
 * An unknown name fails like Espruino: "Module X not found".
 *
 * Rules for a module factory (what the sandbox needs; ModuleContext is in host/sim/port.ts, and a
 * module imports it from there, never from this registry, so the registry's arrows run one way):
 * - Call ctx.session.guard() first in every method: it throws once the board has halted (deep
 *   sleep, power loss), so no effect happens after ESP32.deepSleep().
 * - Return objects, arrays, errors and buffers of the SANDBOX realm: ctx.realm.Object/Array/
 *   Uint8Array, ctx.realm.toRealm(plainData), ctx.session.error(message).
 * - Firmware callbacks that fire later (a socket's 'data') go through ctx.board.post(fn, args):
 *   the scheduler runs them at the current virtual time, between timers, with Espruino's
 *   "Uncaught ..." handling. While real I/O is in flight, hold the clock with
 *   `const release = ctx.board.hold()` and call release() when done, so virtual time does not
 *   race ahead of the real network.
 * - Radio use is metered with ctx.board.meter.radioOn()/radioOff().
 */
import type { ModuleFactory } from '../port.ts';
import { createStorageModule } from './storage.ts';
import { createCryptoModule } from './crypto.ts';
import { createNetModule } from './net.ts';
import { createWifiModule } from './wifi.ts';
import { createTlsModule } from './tls.ts';

// The module contract (what a factory receives) is part of the board's port to the device layer.
export type { ModuleContext, ModuleFactory } from '../port.ts';

export const BUILTIN_MODULES: Record<string, ModuleFactory> = {
  Storage: createStorageModule,
  crypto: createCryptoModule,
  net: createNetModule,
  Wifi: createWifiModule,
  tls: createTlsModule,
};

/** Registers (or replaces) a built-in module for every board created afterwards. */
export function registerModule(name: string, factory: ModuleFactory): void {
  BUILTIN_MODULES[name] = factory;
}

/**
 * require("net") on the virtual board: real TCP on loopback through the board's VirtualNetwork
 * (host/sim/modules/network.ts), reachable only while the virtual Wi-Fi is associated, with
 * Espruino's socket API (8-bit string data, 'connect'/'data'/'end'/'close'/'error' events).
 */
import type { ModuleContext } from '../port.ts'; // registered in BUILTIN_MODULES (./index.ts)
import { networkOf } from './board-network.ts';

export function createNetModule(ctx: ModuleContext): unknown {
  const module = new ctx.realm.Object() as Record<string, unknown>;
  Object.assign(module, networkOf(ctx.board).netModule());
  return module;
}

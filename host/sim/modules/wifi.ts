/**
 * require("Wifi") on the virtual board: association takes the network's wifiConnectMs of virtual
 * time; while the network is down, connect() never calls back (Espruino retries silently), and a
 * wrong password is the only error reported, as on the device. Radio time is metered on the
 * board's meter. Take the network down with networkOf(board).setUp(false).
 */
import type { ModuleContext } from '../port.ts'; // registered in BUILTIN_MODULES (./index.ts)
import { networkOf } from './board-network.ts';

export function createWifiModule(ctx: ModuleContext): unknown {
  const module = new ctx.realm.Object() as Record<string, unknown>;
  Object.assign(module, networkOf(ctx.board).wifiModule());
  return module;
}

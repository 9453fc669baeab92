/**
 * require("tls") on the virtual board: the same socket API as require("net"), over Node's TLS
 * (the server certificate is checked against the `ca` PEM the firmware passes), through the
 * board's VirtualNetwork, so Wi-Fi, metering and network faults apply as for plain TCP.
 */
import type { ModuleContext } from '../port.ts'; // registered in BUILTIN_MODULES (./index.ts)
import { networkOf } from './board-network.ts';

export function createTlsModule(ctx: ModuleContext): unknown {
  const module = new ctx.realm.Object() as Record<string, unknown>;
  Object.assign(module, networkOf(ctx.board).netModule(true));
  return module;
}

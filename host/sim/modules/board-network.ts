/**
 * One VirtualNetwork per virtual board, shared by its require("net") and require("Wifi") and
 * outliving boots (the access point and the broker do not reboot with the chip). Tests and tools
 * reach it with networkOf(board) to take the network down or read its counters.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { BoardPort } from '../port.ts';
import { VirtualNetwork, type NetworkConditions } from './network.ts';

const networks = new WeakMap<BoardPort, VirtualNetwork>();

export function networkOf(board: BoardPort, conditions?: Partial<NetworkConditions>): VirtualNetwork {
  let network = networks.get(board);
  if (!network) {
    network = new VirtualNetwork(
      {
        nowMs: () => board.clock.nowMs,
        deliver: (fn, args) => board.post(fn, args, 'network'),
        after: (ms, fn) => void board.clock.add(fn, ms, false, []),
        holdRealTime: () => board.hold(),
        connectTcp: (host, port) => net.connect({ host, port }),
        connectTls: (host, port, ca) => tls.connect({ host, port, ca, rejectUnauthorized: true, servername: net.isIP(host) ? undefined : host }),
        radioOn: () => board.meter.radioOn(),
        radioOff: () => board.meter.radioOff(),
        wifiUp: (up) => {
          board.jsVarPenalty = up ? board.board.memory.wifiJsVarCost ?? 0 : 0;
        },
        guard: () => board.session?.guard(),
        toRealm: (value) => (board.session ? board.session.realm.toRealm(value) : value),
      },
      conditions,
    );
    const chipReset = () => network!.reboot();
    // Deep sleep, power loss, watchdog and every boot reset the chip: the radio and sockets die.
    board.on('sleep', chipReset);
    board.on('powerloss', chipReset);
    board.on('watchdog', chipReset);
    board.on('boot', chipReset);
    networks.set(board, network);
  } else if (conditions) {
    Object.assign(network.conditions, conditions);
  }
  return network;
}

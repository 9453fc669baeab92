/**
 * The firmware MQTT core's transport (firmware/core/mqtt/transport.ts) on plain Node: Node's net
 * as the byte stream and Node's timers as the clock. For running the core outside the virtual
 * board, against a real broker on loopback: its tests and the power replay (host/power/replay.ts).
 */
import net from 'node:net';
import type { ByteSocket, Clock, Connector, SocketEvents } from '../../firmware/core/mqtt/transport.ts';

export const nodeConnector: Connector = (host, port, events: SocketEvents): ByteSocket => {
  const s = net.connect({ host, port }, () => events.onOpen());
  // Node emits 'error' then 'close' for one failure; the core must hear onClose only once.
  let closed = false;
  const close = (code: string) => {
    if (!closed) {
      closed = true;
      events.onClose(code);
    }
  };
  s.on('data', (d) => events.onData(new Uint8Array(d)));
  s.on('error', () => close('E_NET_ERROR'));
  s.on('close', () => close('E_NET_CLOSED'));
  return { write: (b) => void s.write(b), end: () => void s.end() };
};

export const nodeClock: Clock = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

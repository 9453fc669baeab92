/**
 * Opening "the board" from command-line options: --port, --tcp, or the one port that looks like an
 * ESP32. Every command goes through here, so every command shares the port (broker.ts).
 */
import { SpruceError } from '../errors.ts';
import { SharedTransport } from './broker.ts';
import { listPorts, pickPort } from './ports.ts';
import { SerialTransport } from './serial.ts';
import { TcpTransport, parseTcpTarget } from './tcp.ts';
import type { Transport } from './transport.ts';

export interface LinkOptions {
  port?: string;
  tcp?: string;
  baud?: number;
  /** Share through the per-port socket (default true). */
  share?: boolean;
  /** Retry forever after a drop (default true). */
  reconnect?: boolean;
  /** Messages for the user (stderr). */
  notice?: (message: string) => void;
}

export async function resolveLinkName(options: LinkOptions): Promise<{ kind: 'serial' | 'tcp'; name: string }> {
  if (options.port && options.tcp) {
    throw new SpruceError('E_USAGE', 'give either --port or --tcp, not both', { exit: 'USAGE' });
  }
  if (options.tcp) {
    const target = parseTcpTarget(options.tcp);
    return { kind: 'tcp', name: `tcp://${target.host}:${target.port}` };
  }
  if (options.port) return { kind: 'serial', name: options.port };
  const port = pickPort(await listPorts());
  options.notice?.(`using ${port.path}${port.bridge ? ` (${port.bridge})` : ''}`);
  return { kind: 'serial', name: port.path };
}

/** Opens the board link (shared with any other spruce process using it). */
export async function openLink(options: LinkOptions): Promise<Transport> {
  const { kind, name } = await resolveLinkName(options);
  const reconnect = options.reconnect ?? true;
  const makeReal = (): Transport =>
    kind === 'tcp' ? new TcpTransport(parseTcpTarget(name), { reconnect }) : new SerialTransport(name, { baudRate: options.baud ?? 115200, reconnect });
  const transport = options.share === false ? makeReal() : new SharedTransport(name, makeReal, options.notice);
  await transport.open();
  return transport;
}

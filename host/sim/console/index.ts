/**
 * The virtual board on a port: `spruce sim --serial` / `--tcp <port>` call serveVirtualBoard().
 *
 *   const served = await serveVirtualBoard(board, { serial: true, tcp: 2323 });
 *   served.serialPath   // e.g. /tmp/spruce-0/sim-1234/tty: give it to `spruce flash --port`
 *   await served.unplug(); await served.plug();   // pull / push the virtual cable
 *   await served.close();
 *
 * The board runs in real time while served (realtime.ts); the console is paced at the board's baud.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtualBoard } from '../board.ts';
import { runDir } from '../../link/broker.ts';
import { consoleBoardOf } from './adapter.ts';
import { BoardConsoleServer } from './expose.ts';
import { RealTimeDriver } from './realtime.ts';

export { BoardConsoleServer } from './expose.ts';
export { VirtualConsole } from './console.ts';
export { RealTimeDriver } from './realtime.ts';
export { consoleBoardOf } from './adapter.ts';
export type { ConsoleBoard } from './board.ts';

export interface ServeOptions {
  /** true: a pty under the run dir; a string: the path of the link to create (e.g. /tmp/esp32). */
  serial?: boolean | string;
  /** TCP port on 127.0.0.1 (0 = any free port). */
  tcp?: number;
  /** Host for the TCP console (default 127.0.0.1). */
  tcpHost?: string;
  /** Console line rate (default: the board file's console baud). */
  baud?: number;
  /** Run the board's clock at real time (default true). Tests may drive it themselves. */
  realTime?: boolean;
}

export interface ServedBoard {
  server: BoardConsoleServer;
  serialPath?: string;
  tcpPort?: number;
  plug(): Promise<void>;
  unplug(): Promise<void>;
  close(): Promise<void>;
}

export async function serveVirtualBoard(board: VirtualBoard, options: ServeOptions): Promise<ServedBoard> {
  const server = new BoardConsoleServer(consoleBoardOf(board), { baud: options.baud ?? board.board.console.baud });
  const driver = new RealTimeDriver(board);
  const served: ServedBoard = {
    server,
    plug: () => server.plug(),
    unplug: () => server.unplug(),
    async close() {
      driver.stop();
      await server.close();
    },
  };
  try {
    if (options.serial) {
      const dir = join(runDir(), `sim-${process.pid}-${Date.now().toString(36)}`);
      mkdirSync(dir, { recursive: true });
      const userSide = typeof options.serial === 'string' ? options.serial : join(dir, 'tty');
      served.serialPath = await server.listenSerial({ boardSide: join(dir, 'board-side'), userSide });
    }
    if (options.tcp !== undefined) served.tcpPort = await server.listenTcp(options.tcp, options.tcpHost);
  } catch (error) {
    await served.close();
    throw error;
  }
  if (options.realTime ?? true) driver.start();
  return served;
}

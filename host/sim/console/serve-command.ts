/**
 * `spruce sim --serial [path]` / `spruce sim --tcp <port>`: the virtual board as a device on a port,
 * running in real time until Ctrl-C, so `spruce flash`, `repl`, `monitor`, the bridge — or the stock
 * `espruino` CLI, or `screen` — can be pointed at it exactly as at a real board.
 *
 * With --app the app is pre-installed (as if flashed, device id + key provisioned); without it the
 * board starts empty, waiting for `spruce flash`. SIGUSR1 pulls the virtual cable, SIGUSR2 plugs it
 * back in (to try reconnect handling by hand).
 */
import { buildApp } from '../../build/index.ts';
import { defaultKeyRegistryPath, ensureDeviceKey } from '../../keys.ts';
import { loadBoard } from '../../boards.ts';
import { SpruceError } from '../../errors.ts';
import { VirtualBoard } from '../board.ts';
import { installBuild } from '../install.ts';
import { defaultDataFor, sensorsFromCsv } from '../run-sim.ts';
import { serveVirtualBoard } from './index.ts';

export interface ServeFlags {
  app?: string;
  board: string;
  data?: string;
  subject?: string;
  storage?: string;
  keys?: string;
  device?: string;
  serial?: boolean | string;
  tcp?: string;
  baud?: string;
  json?: boolean;
}

export async function serveSimCommand(flags: ServeFlags): Promise<void> {
  const say = (message: string) => process.stderr.write(`spruce sim: ${message}\n`);
  const tcp = flags.tcp === undefined ? undefined : Number(flags.tcp);
  if (tcp !== undefined && (!Number.isInteger(tcp) || tcp < 0 || tcp > 65535)) {
    throw new SpruceError('E_USAGE', `--tcp needs a port number, not "${flags.tcp}"`, { hint: 'e.g. --tcp 2323 (0 picks a free port)', exit: 'USAGE' });
  }
  const board = loadBoard(flags.board);
  const dataPath = flags.data ?? (flags.app ? defaultDataFor(flags.app) : undefined);
  const { sensors, label } = dataPath ? sensorsFromCsv(dataPath, flags.subject) : { sensors: {}, label: 'synthetic signals' };
  const vboard = new VirtualBoard({ board, storagePath: flags.storage, sensors });
  if (flags.app) {
    const device = flags.device ?? `sim-${flags.app}-1`;
    const key = ensureDeviceKey(device, flags.keys ?? defaultKeyRegistryPath());
    say(`building ${flags.app} for ${board.id} ...`);
    const built = await buildApp({ board: board.id, app: flags.app });
    installBuild(vboard, built.manifestPath, { id: device, key });
    say(`installed ${flags.app} as device ${device} (sensors: ${label})`);
  }
  const served = await serveVirtualBoard(vboard, {
    serial: flags.serial === undefined ? undefined : flags.serial,
    tcp,
    baud: flags.baud ? Number(flags.baud) : undefined,
  });
  const where = { serial: served.serialPath, tcp: served.tcpPort === undefined ? undefined : `127.0.0.1:${served.tcpPort}` };
  if (flags.json) process.stdout.write(JSON.stringify({ ready: true, ...where }) + '\n');
  if (where.serial) say(`serial console on ${where.serial} (spruce flash --port ${where.serial})`);
  if (where.tcp) say(`TCP console on ${where.tcp} (spruce repl --tcp ${where.tcp})`);
  say('running in real time; Ctrl-C stops (SIGUSR1 unplugs the virtual cable, SIGUSR2 plugs it back)');
  vboard.on('warning', (message: string) => say(`warning: ${message}`));
  const onUnplug = () => void served.unplug().then(() => say('cable pulled'));
  const onPlug = () => void served.plug().then(() => say('cable plugged back in'), (error: Error) => say(`replug failed: ${error.message}`));
  process.on('SIGUSR1', onUnplug);
  process.on('SIGUSR2', onPlug);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.off('SIGUSR1', onUnplug);
  process.off('SIGUSR2', onPlug);
  await served.close();
}

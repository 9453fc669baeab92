/**
 * `spruce sim --app <name> [--board <id>] [--wakes N | --hours H] [--data <csv>] [--storage <file>]
 *             [--keys <file>] [--device <id>] [--no-ack] [--speed <x>] [--json]`
 *
 * Builds the app, provisions a simulated device (id + key from the key registry, written to the
 * board's Storage as spruce.dev like the flasher does), installs the exact bundle on a virtual
 * board fed by a dataset replay, and prints what the device prints, each line prefixed with the
 * virtual time. Verified frames are acknowledged with ack(boot, seq) like the bridge does
 * (--no-ack to watch the outbox fill). Keys are never printed.
 */
import type { CommandSpec } from './command.ts';
import { SpruceError } from '../errors.ts';
import { runSim, type SimLine, type SimSummary } from '../sim/run-sim.ts';
import { serveSimCommand } from '../sim/console/serve-command.ts';

interface SimFlags {
  app?: string;
  bundle?: string;
  board: string;
  wakes?: string;
  hours?: string;
  data?: string;
  subject?: string;
  storage?: string;
  keys?: string;
  device?: string;
  ack: boolean;
  speed?: string;
  json?: boolean;
  serial?: boolean | string;
  tcp?: string;
  baud?: string;
}

function positive(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new SpruceError('E_USAGE', `${flag} must be a positive ${integer ? 'integer' : 'number'}, not "${value}"`, {
      hint: `e.g. ${flag} ${integer ? '1440' : '24'}`,
      exit: 'USAGE',
    });
  }
  return n;
}

/** 3723004 ms -> "01:02:03.004" (hours keep counting past a day). */
export function formatVirtualTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(milli, 3)}`;
}

function summaryText(s: SimSummary): string {
  const m = s.meter;
  const simulated = m.awakeMs + m.asleepMs + m.offMs;
  const duty = simulated > 0 ? ((100 * m.awakeMs) / simulated).toFixed(2) : '0';
  return [
    `simulated ${formatVirtualTime(s.simulatedMs)} in ${(s.realMs / 1000).toFixed(2)} s real: ${m.wakes} wake(s), awake ${(m.awakeMs / 1000).toFixed(1)} s (${duty}%), asleep ${(m.asleepMs / 1000).toFixed(1)} s, radio ${(m.radioMs / 1000).toFixed(1)} s`,
    `frames: ${s.frames.received} received, ${s.frames.verified} verified, ${s.frames.rejected} rejected, ${s.frames.acked} acknowledged${s.frames.noAckFunction ? ` (${s.frames.noAckFunction} not: the firmware defines no ack())` : ''}`,
    `storage: ${s.storage.fileCount} files, ${s.storage.fileBytes} B in files, ${s.storage.trashBytes} B awaiting compact, ${s.storage.freeBytes} B free`,
    `device ${s.device} on ${s.board}; bundle ${s.bundleBytes} B; data: ${s.data}`,
    ...s.warnings.map((w) => `warning: ${w}`),
  ].join('\n');
}

export const simCommand: CommandSpec = {
  name: 'sim',
  summary: 'run an app on the virtual board (the exact bundle, virtual time, replayed sensor data)',
  configure(command) {
    command
      .option('-a, --app <name>', 'app to build and run (firmware/apps/<name>)')
      .option('--bundle <file>', 'run an already built bundle file instead of building an app')
      .option('-b, --board <id>', 'board the bundle is built for (boards/<id>.json)', 'virtual')
      .option('-n, --wakes <n>', 'run this many wakes (default 10)')
      .option('--hours <h>', 'run this many hours of virtual time instead of a number of wakes')
      .option('-d, --data <csv>', "sensor data to replay (default: the app's dataset, e.g. occupancy_test1.csv)")
      .option('--subject <id>', 'with accelerometer data: replay one subject only (s01..s23)')
      .option('-s, --storage <file>', "keep the board's flash Storage in this file (survives runs)")
      .option('-k, --keys <file>', 'key registry to take the simulated device key from (default $SPRUCE_KEYS or ~/.spruce/keys.json)')
      .option('--device <id>', 'simulated device id (default sim-<app>-1)')
      .option('--no-ack', 'do not acknowledge frames: watch the outbox fill')
      .option('--speed <x>', 'virtual seconds per real second (default: as fast as possible)')
      .option('--json', 'one JSON object per output line, then a summary object')
      .option('--serial [path]', 'serve the board on a pseudo-terminal (socat) in real time, for flash/repl/monitor (optional: the link path to create)')
      .option('--tcp <port>', 'serve the board console on 127.0.0.1:<port> in real time (0 = any free port)')
      .option('--baud <rate>', 'line rate of the served console (default: the board file, 115200)')
      .addHelpText('after', `
Examples:
  spruce sim --app occupancy --wakes 60          an hour of one-minute wakes, frames acknowledged
  spruce sim --app occupancy --hours 24 --json   a simulated day as JSON lines
  spruce sim --app occupancy --no-ack --storage /tmp/board.json
Lines are prefixed with the virtual time since power-on (hh:mm:ss.mmm).`)
      .action(async (flags: SimFlags) => runSimCommand(flags));
  },
};

async function runSimCommand(flags: SimFlags): Promise<void> {
  // --serial / --tcp: the board as a device on a port (host/sim/console, owned by the link work).
  if (flags.serial !== undefined || flags.tcp !== undefined) return serveSimCommand(flags);
  if (flags.wakes !== undefined && flags.hours !== undefined) {
    throw new SpruceError('E_USAGE', '--wakes and --hours cannot be used together', { hint: 'pick one', exit: 'USAGE' });
  }
  const wakes = positive(flags.wakes, '--wakes', true);
  const hours = positive(flags.hours, '--hours', false);
  const speed = positive(flags.speed, '--speed', false);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const write = (line: SimLine) => {
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ t: line.tMs / 1000, line: line.text, ...(line.frame ? { frame: line.frame } : {}) })}\n`);
    } else {
      process.stdout.write(`[${formatVirtualTime(line.tMs)}] ${line.text}\n`);
    }
  };
  try {
    const summary = await runSim({
      app: flags.app,
      bundle: flags.bundle,
      board: flags.board,
      wakes,
      hours,
      data: flags.data,
      subject: flags.subject,
      storage: flags.storage,
      keys: flags.keys,
      device: flags.device,
      ack: flags.ack,
      speed,
      signal: abort.signal,
      onLine: write,
      onStatus: (message) => process.stderr.write(`spruce sim: ${message}\n`),
    });
    if (flags.json) {
      const { wakes: results, ...rest } = summary;
      process.stdout.write(`${JSON.stringify({ summary: { ...rest, wakeCount: results.length } })}\n`);
    } else {
      process.stderr.write(`${summaryText(summary)}\n`);
    }
    if (abort.signal.aborted) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

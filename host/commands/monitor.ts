/**
 * `spruce monitor [--port P | --tcp host:port] [--log <file>] [--json] [--keys <file>]`
 *
 * Shows what the board prints with timestamps; telemetry frames (`@s1 <json> <hmac>`) are decoded
 * and their HMAC verified when the device's key is in the registry; `Uncaught` errors stand out.
 * It only listens: nothing is sent, so attaching never disturbs or resets the board. It shares the
 * port with any other spruce command (flash while monitoring works).
 */
import { appendFileSync } from 'node:fs';
import type { CommandSpec } from './command.ts';
import { defaultKeyRegistryPath, loadKeyRegistry } from '../keys.ts';
import { classifyLine, formatForHuman, formatForJson, LineAssembler } from '../link/monitor.ts';
import { openLink } from '../link/open.ts';
import { RxDemux } from '../link/rx.ts';

interface MonitorFlags {
  port?: string;
  tcp?: string;
  baud: string;
  log?: string;
  json?: boolean;
  keys?: string;
  /** Stop after this many seconds (scripts, tests). */
  duration?: string;
}

export const monitorCommand: CommandSpec = {
  name: 'monitor',
  summary: 'watch a board: timestamps, telemetry decoded and verified, errors highlighted',
  configure(command) {
    command
      .option('-p, --port <path>', 'serial port (default: the one port that looks like an ESP32)')
      .option('--tcp <host:port>', "the board's TCP console")
      .option('--baud <rate>', 'serial baud rate', '115200')
      .option('--log <file>', 'also append every line, timestamped, to this file')
      .option('--json', 'one JSON object per line on stdout')
      .option('--keys <file>', 'key registry for verifying frames (default $SPRUCE_KEYS or ~/.spruce/keys.json)')
      .option('--duration <seconds>', 'stop after this many seconds')
      .addHelpText('after', '\nCtrl-C to stop. If the board is unplugged, the monitor waits and resumes when it is back.')
      .action(async (flags: MonitorFlags) => runMonitor(flags));
  },
};

async function runMonitor(flags: MonitorFlags): Promise<void> {
  const keyPath = flags.keys ?? defaultKeyRegistryPath();
  let keys = loadKeyRegistry(keyPath);
  let reloadedAt = Date.now();
  // A device flashed while we watch gets its key after we started: re-read the registry on a miss.
  const keysFor = (line: string): Record<string, string> => {
    const dev = /"dev":"([A-Za-z0-9_-]{1,32})"/.exec(line)?.[1];
    if (dev && !(dev in keys) && Date.now() - reloadedAt > 500) {
      reloadedAt = Date.now();
      try {
        keys = loadKeyRegistry(keyPath);
      } catch {
        /* keep the old registry if the file is being rewritten */
      }
    }
    return keys;
  };
  const colour = !flags.json && Boolean(process.stdout.isTTY);
  const notice = (message: string) => process.stderr.write(`spruce monitor: ${message}\n`);
  const transport = await openLink({ port: flags.port, tcp: flags.tcp, baud: Number(flags.baud), notice });
  notice(`listening on ${transport.name} (Ctrl-C to stop)`);
  const rx = new RxDemux();
  const lines = new LineAssembler();
  rx.on('text', (bytes) =>
    lines.push(bytes.toString('latin1'), (raw) => {
      const entry = classifyLine(raw, keysFor(raw));
      if (!entry) return;
      process.stdout.write((flags.json ? formatForJson(entry) : formatForHuman(entry, colour)) + '\n');
      if (flags.log) appendFileSync(flags.log, flags.json ? formatForJson(entry) + '\n' : formatForHuman(entry, false) + '\n');
    }),
  );
  transport.on('data', (chunk) => rx.push(chunk));
  transport.on('disconnect', (reason) => notice(`disconnected (${reason.message}); waiting for the board to come back`));
  transport.on('open', () => {
    rx.reset();
    notice(`reconnected to ${transport.name}`);
  });
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // unref: once closed, the process must not linger until the duration is over.
    if (flags.duration) setTimeout(resolve, Number(flags.duration) * 1000).unref();
  });
  await transport.close();
}

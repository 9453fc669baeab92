/**
 * `spruce flash [--port P | --tcp host:port] [--board <id>] [--app <name>] [--watch] [--device-id <id>]`
 * `spruce flash --firmware <espruino_esp32.bin> [--port P]`
 *
 * Builds the app, uploads bundle + Storage files under staged names, verifies each by SHA-256 on the
 * board, commits, restarts and confirms the app runs (host/link/flash.ts). With --device-id the
 * device's HMAC key (created in the key registry if new) is written to `spruce.dev` on the board —
 * never into the bundle, never printed. --watch rebuilds and re-uploads when a source changes.
 * --firmware flashes the Espruino interpreter itself through the ESP32 ROM loader (esptool-js).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { CommandSpec } from './command.ts';
import { numberOption } from './options.ts';
import { buildApp } from '../build/index.ts';
import { describeError } from '../errors.ts';
import { defaultKeyRegistryPath, ensureDeviceKey } from '../keys.ts';
import { EspruinoClient } from '../link/espruino.ts';
import { flashApp, type FlashPlan, type FlashResult } from '../link/flash.ts';
import { openLink } from '../link/open.ts';
import { projectRoot } from '../paths.ts';
import { flashFirmware } from '../link/esptool/flash-firmware.ts';

interface FlashFlags {
  port?: string;
  tcp?: string;
  board: string;
  app: string;
  watch?: boolean;
  deviceId?: string;
  keys?: string;
  firmware?: string;
  address?: string;
  flashBaud: string;
  baud: string;
  packets: boolean;
  chunk?: string;
  json?: boolean;
  progress: boolean;
}

export async function buildPlan(flags: Pick<FlashFlags, 'board' | 'app' | 'deviceId' | 'keys'>): Promise<FlashPlan> {
  const built = await buildApp({ board: flags.board, app: flags.app });
  const plan: FlashPlan = {
    app: built.app,
    board: built.board,
    bundle: Buffer.from(built.code),
    files: built.manifest.storage.map((entry) => ({ name: entry.name, data: readFileSync(entry.path) })),
  };
  if (flags.deviceId) plan.device = { id: flags.deviceId, key: ensureDeviceKey(flags.deviceId, flags.keys ?? defaultKeyRegistryPath()) };
  return plan;
}

function progressReporter(enabled: boolean): { progress(sent: number, total: number, file: string): void; stop(): void } {
  if (!enabled || !process.stderr.isTTY) {
    let lastPct = -1;
    return {
      progress(sent, total) {
        const pct = total === 0 ? 100 : Math.floor((sent / total) * 100);
        if (enabled && pct >= lastPct + 25) {
          lastPct = pct;
          process.stderr.write(`  ${pct}% (${sent}/${total} bytes)\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: '  {bar} {percentage}% | {value}/{total} B | {speed} B/s | {file}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let startedAt = 0;
  return {
    progress(sent, total, file) {
      if (!started) {
        started = 1;
        startedAt = performance.now();
        bar.start(total, 0, { speed: '0', file });
      }
      const seconds = (performance.now() - startedAt) / 1000;
      bar.update(sent, { speed: seconds > 0 ? Math.round(sent / seconds).toString() : '0', file });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

async function flashOnce(flags: FlashFlags): Promise<FlashResult> {
  const say = (message: string) => {
    if (!flags.json) process.stderr.write(`spruce flash: ${message}\n`);
  };
  say(`building ${flags.app} for ${flags.board}`);
  const plan = await buildPlan(flags);
  const transport = await openLink({ port: flags.port, tcp: flags.tcp, baud: Number(flags.baud), notice: say });
  const client = new EspruinoClient(transport, { noPackets: !flags.packets, chunkSize: flags.chunk ? Number(flags.chunk) : undefined });
  const bar = progressReporter(flags.progress && !flags.json);
  try {
    const result = await flashApp(client, plan, { step: say, progress: (sent, total, file) => bar.progress(sent, total, file) });
    bar.stop();
    const rate = result.transferMs > 0 ? Math.round((result.bytesSent / result.transferMs) * 1000) : 0;
    if (flags.json) process.stdout.write(JSON.stringify({ ok: true, ...result, bytesPerSecond: rate }) + '\n');
    else say(`${result.app} ${result.sha} is running (${result.bytesSent} bytes in ${(result.transferMs / 1000).toFixed(1)} s, ${rate} B/s; unchanged: ${result.unchanged.join(', ') || 'none'})`);
    return result;
  } finally {
    bar.stop();
    client.detach();
    await transport.close();
  }
}

async function watchAndFlash(flags: FlashFlags): Promise<void> {
  const { watch } = await import('chokidar');
  const roots = [join(projectRoot(), 'firmware'), join(projectRoot(), 'boards')];
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await flashOnce(flags);
    } catch (error) {
      process.stderr.write(describeError(error) + '\n');
    }
    running = false;
    if (again) {
      again = false;
      void run();
    }
  };
  await run();
  process.stderr.write('spruce flash: watching firmware/ and boards/ (Ctrl-C to stop)\n');
  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(roots, { ignoreInitial: true, ignored: (path) => path.includes('node_modules') || path.endsWith('.test.ts') });
  watcher.on('all', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void run(), 200);
  });
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await watcher.close();
}

export const flashCommand: CommandSpec = {
  name: 'flash',
  summary: 'build and upload an app with verification (or --firmware: flash the Espruino interpreter)',
  configure(command) {
    command
      .option('-p, --port <path>', 'serial port (default: the one port that looks like an ESP32)')
      .option('--tcp <host:port>', "the board's TCP console (Espruino over Wi-Fi: port 23; `spruce sim --tcp`)")
      .option('-b, --board <id>', 'board to build for', 'esp32')
      .option('-a, --app <name>', 'app to build and upload', 'occupancy')
      .option('-w, --watch', 'rebuild and re-upload whenever firmware/ or boards/ changes')
      .option('--device-id <id>', 'provision this device id and its HMAC key (from/into the key registry) as spruce.dev')
      .option('--keys <file>', 'key registry file (default $SPRUCE_KEYS or ~/.spruce/keys.json)')
      .option('--baud <rate>', 'serial baud rate', '115200')
      .option('--no-packets', 'use REPL lines instead of the packet protocol (firmware before 2v25)')
      .option('--chunk <bytes>', 'packet payload size (default 2048)')
      .option('--firmware <bin>', 'flash this Espruino firmware image through the ESP32 ROM loader instead')
      .option('--address <hex>', 'flash address for --firmware: 0x1000 for a combined image (bootloader+partitions+app), 0x10000 for an app-only image', '0x1000')
      .option('--flash-baud <rate>', 'baud for --firmware after the ROM sync (the ROM starts at 115200)', '460800')
      .option('--no-progress', 'no progress bar')
      .option('--json', 'print the result as JSON')
      .addHelpText('after', `
How it is safe: files go to staged names (~name), each is checked by SHA-256 computed on the board,
then one small commit record is written; the boot loader applies it at restart. An upload cut off
at any point leaves the previous firmware bootable. The command ends only when the restarted board
reports the new app running.

The same bundle works with the stock Espruino CLI (no spruce loader needed: it runs as boot code):
  npx espruino -p /dev/ttyUSB0 -b 115200 --storage .bootcde:dist/esp32/<app>.js \\
      --storage <name>:<path>   (once per Storage file in dist/esp32/<app>.manifest.json) \\
      --storage spruce.dev:<file holding {"id":"<dev>","key":"<64 hex>"}> -e 'load()'
Offline, add --board <file.json> (e.g. {"info":{"binary_version":"2v29"}}) so it does not fetch the
board description from espruino.com. The stock CLI opens only ports the OS lists (not
pseudo-terminals): for the virtual board use \`spruce sim --tcp 2323\` and -p tcp://127.0.0.1:2323.

--firmware: hold BOOT, tap EN, release BOOT to enter the ROM loader, then run
  spruce flash --firmware espruino_esp32.bin --port /dev/ttyUSB0 [--address 0x1000]`)
      .action(async (flags: FlashFlags) => {
        if (flags.firmware) {
          await flashFirmware({ file: flags.firmware, port: flags.port, address: Number(flags.address), baud: numberOption('--flash-baud', flags.flashBaud), json: flags.json });
          return;
        }
        if (flags.watch) await watchAndFlash(flags);
        else await flashOnce(flags);
      });
  },
};

/**
 * `spruce flash --firmware <espruino_esp32.bin>`: writes the Espruino interpreter through the ESP32
 * ROM serial loader with esptool-js, driven from Node through NodeWebSerialPort.
 *
 * It talks to the ROM directly (no RAM stub): sync, chip detection by magic register, SPI attach,
 * optional baud switch, FLASH_BEGIN/DATA in 1 KB blocks (the ROM's limit), then the ROM's own MD5
 * of the written region compared with the file's, and a reboot into the new firmware.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { ESPLoader, Transport } from 'esptool-js';
import { SpruceError } from '../../errors.ts';
import { listPorts, pickPort } from '../ports.ts';
import { NodeWebSerialPort } from './web-serial.ts';

export interface FirmwareFlashOptions {
  file: string;
  port?: string;
  /** Flash offset (default 0x1000: Espruino's ESP32 image without bootloader/partitions goes at 0x10000; see help). */
  address: number;
  /** Baud to switch to after sync (default 460800; the ROM starts at 115200). */
  baud?: number;
  json?: boolean;
  /** Connection attempts (esptool-js default 7). */
  connectAttempts?: number;
  onProgress?: (written: number, total: number) => void;
  log?: (line: string) => void;
}

export interface FirmwareFlashResult {
  chip: string;
  bytes: number;
  address: number;
  md5: string;
  ms: number;
  baud: number;
}

/** The ROM reports MD5 as 32 ASCII hex characters, which esptool-js hex-encodes again: undo that. */
export function normaliseRomMd5(value: string): string {
  if (value.length === 64) {
    const decoded = Buffer.from(value, 'hex').toString('latin1');
    if (/^[0-9a-f]{32}$/i.test(decoded)) return decoded.toLowerCase();
  }
  return value.toLowerCase();
}

const ROM_BLOCK = 0x400;

export async function flashFirmwareImage(options: FirmwareFlashOptions): Promise<FirmwareFlashResult> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(options.file)) {
    throw new SpruceError('E_FIRMWARE_MISSING', `no firmware image at ${options.file}`, { exit: 'BAD_INPUT', hint: 'download espruino_<version>_esp32.bin from espruino.com/binaries' });
  }
  const image = readFileSync(options.file);
  if (image.length === 0 || image.length > 4 * 1024 * 1024) {
    throw new SpruceError('E_FIRMWARE_SIZE', `${options.file} is ${image.length} bytes; an ESP32 image is between 1 byte and 4 MB`, { exit: 'BAD_INPUT' });
  }
  if (!Number.isInteger(options.address) || options.address < 0 || options.address % 0x1000 !== 0) {
    throw new SpruceError('E_FIRMWARE_ADDRESS', `flash address 0x${options.address.toString(16)} is not a multiple of 0x1000 (a flash sector)`, { exit: 'USAGE', hint: 'use --address 0x1000 (bootloader) or 0x10000 (app)' });
  }
  const path = options.port ?? pickPort(await listPorts()).path;
  const started = performance.now();
  const device = new NodeWebSerialPort(path);
  const transport = new Transport(device as unknown as ConstructorParameters<typeof Transport>[0], false);
  const baud = options.baud ?? 460800;
  const terminal = { clean() {}, writeLine: (line: string) => log(line), write: (text: string) => log(text) };
  const loader = new ESPLoader({ transport, baudrate: baud, romBaudrate: 115200, terminal });
  try {
    try {
      await loader.detectChip('default_reset', options.connectAttempts ?? 7);
    } catch (error) {
      if (error instanceof SpruceError) throw error;
      throw new SpruceError('E_ESP_NO_SYNC', `the ESP32 ROM loader did not answer on ${path} (${(error as Error).message.split('\n')[0]})`, {
        exit: 'DEVICE',
        hint: 'put the chip in download mode: hold BOOT, tap EN (reset), release BOOT, then retry; close anything else using the port; try a lower --baud',
        cause: error,
      });
    }
    const chip = loader.chip.CHIP_NAME;
    if (!chip.startsWith('ESP32')) {
      throw new SpruceError('E_ESP_WRONG_CHIP', `this is an ${chip}, not an ESP32`, { exit: 'DEVICE', hint: 'pick the right port, or the right firmware for this chip' });
    }
    log(`chip: ${chip}`);
    await loader.flashSpiAttach(0);
    if (baud !== 115200) await loader.changeBaud();
    // Without the RAM stub the ROM takes at most 1 KB per FLASH_DATA block.
    loader.FLASH_WRITE_SIZE = ROM_BLOCK;
    const blocks = await loader.flashBegin(image.length, options.address);
    for (let seq = 0; seq < blocks; seq++) {
      const block = Buffer.alloc(ROM_BLOCK, 0xff);
      image.copy(block, 0, seq * ROM_BLOCK, Math.min(image.length, (seq + 1) * ROM_BLOCK));
      await loader.flashBlock(block, seq, 3000);
      options.onProgress?.(Math.min(image.length, (seq + 1) * ROM_BLOCK), image.length);
    }
    const expected = createHash('md5').update(image).digest('hex');
    const md5 = normaliseRomMd5(await loader.flashMd5sum(options.address, image.length));
    if (md5 !== expected) {
      throw new SpruceError('E_ESP_VERIFY', `flash MD5 ${md5} does not match the image's ${expected}`, { exit: 'DEVICE', hint: 'retry at a lower --baud; check the cable' });
    }
    // Leave the loader and run the new firmware; then a hard reset through RTS for boards that need it.
    await loader.flashFinish(true);
    await loader.after('hard_reset').catch(() => undefined);
    return { chip, bytes: image.length, address: options.address, md5, ms: performance.now() - started, baud: (loader as unknown as { baudrate: number }).baudrate };
  } finally {
    await transport.disconnect().catch(() => undefined);
  }
}

/** The CLI face: progress bar on a terminal, JSON result with --json. */
export async function flashFirmware(options: FirmwareFlashOptions): Promise<void> {
  const bar = !options.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: '  {bar} {percentage}% | {value}/{total} B', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  let started = false;
  const result = await flashFirmwareImage({
    ...options,
    log: options.json ? undefined : (line) => process.stderr.write(`spruce flash: ${line.trim()}\n`),
    onProgress: (written, total) => {
      if (bar && !started) {
        started = true;
        bar.start(total, 0);
      }
      bar?.update(written);
    },
  }).finally(() => bar?.stop());
  if (options.json) process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n');
  else process.stderr.write(`spruce flash: wrote ${result.bytes} bytes to ${result.chip} at 0x${result.address.toString(16)}, MD5 verified (${(result.ms / 1000).toFixed(1)} s)\n`);
}

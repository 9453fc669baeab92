/**
 * `spruce flash --firmware` end to end over a real pseudo-terminal: esptool-js, driven through our
 * Node Web-Serial port, against the ROM loader emulation on the other side of a socat pair.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PtyPair } from '../../sim/console/pty.ts';
import { flashFirmwareImage, normaliseRomMd5 } from './flash-firmware.ts';
import { RomEmulator, romChecksum, slipEncode } from './rom-emulator.ts';

let dir: string;
let pty: PtyPair;
let boardPort: SerialPort;
let rom: RomEmulator;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-esptool-'));
  pty = new PtyPair({ boardSide: join(dir, 'chip'), userSide: join(dir, 'tty') });
  await pty.start();
  boardPort = new SerialPort({ path: pty.paths.boardSide, baudRate: 115200, lock: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => boardPort.open((e) => (e ? reject(e) : resolve())));
  rom = new RomEmulator((bytes) => boardPort.write(bytes));
  boardPort.on('data', (chunk: Buffer) => rom.receive(chunk));
});

afterAll(async () => {
  if (boardPort?.isOpen) await new Promise<void>((resolve) => boardPort.close(() => resolve()));
  await pty?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ROM emulator pieces', () => {
  it('SLIP-escapes END and ESC, and checksums like the ROM', () => {
    expect([...slipEncode(Uint8Array.from([1, 0xc0, 0xdb, 2]))]).toEqual([0xc0, 1, 0xdb, 0xdc, 0xdb, 0xdd, 2, 0xc0]);
    expect(romChecksum(Uint8Array.from([0xef]))).toBe(0);
    expect(normaliseRomMd5(Buffer.from('0123456789abcdef0123456789abcdef').toString('hex'))).toBe('0123456789abcdef0123456789abcdef');
  });
});

describe('spruce flash --firmware over a pty', () => {
  it('detects the ESP32, switches baud, writes, verifies by MD5 and reboots', async () => {
    const image = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13 + 7) & 0xff));
    const file = join(dir, 'espruino_esp32.bin');
    writeFileSync(file, image);
    const progress: number[] = [];
    rom.downloadMode = true;
    const result = await flashFirmwareImage({ file, port: pty.paths.userSide, address: 0x10000, baud: 460800, connectAttempts: 2, onProgress: (n) => progress.push(n) });
    expect(result.chip).toBe('ESP32');
    expect(result.md5).toBe(createHash('md5').update(image).digest('hex'));
    expect(rom.flash.subarray(0x10000, 0x10000 + image.length)).toEqual(image);
    expect(rom.baud).toBe(460800);
    expect(progress.at(-1)).toBe(image.length);
    expect(rom.downloadMode).toBe(false);
  });

  it('says how to enter download mode when the chip is running an app', async () => {
    rom.downloadMode = false;
    const file = join(dir, 'small.bin');
    writeFileSync(file, Buffer.alloc(100, 1));
    await expect(flashFirmwareImage({ file, port: pty.paths.userSide, address: 0x1000, baud: 115200, connectAttempts: 1 })).rejects.toMatchObject({
      code: 'E_ESP_NO_SYNC',
      hint: expect.stringContaining('hold BOOT'),
    });
  });

  it('refuses a missing image and a misaligned address before touching the port', async () => {
    await expect(flashFirmwareImage({ file: join(dir, 'nope.bin'), port: pty.paths.userSide, address: 0x1000 })).rejects.toMatchObject({ code: 'E_FIRMWARE_MISSING' });
    const file = join(dir, 'a.bin');
    writeFileSync(file, Buffer.alloc(10));
    await expect(flashFirmwareImage({ file, port: pty.paths.userSide, address: 0x1001 })).rejects.toMatchObject({ code: 'E_FIRMWARE_ADDRESS' });
  });
});

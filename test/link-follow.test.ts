/**
 * After an unplug the OS may bring the board back under another name (ttyUSB0 -> ttyUSB1): the
 * serial transport follows it by USB serial number. The port listing is faked (pseudo-terminals have
 * no USB serial numbers); the ports themselves are real socat pseudo-terminals.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PtyPair } from '../host/sim/console/pty.ts';

const listing: Array<{ path: string; serialNumber?: string; boards: string[]; esp32: boolean }> = [];
vi.mock('../host/link/ports.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../host/link/ports.ts')>()),
  listPorts: async () => listing,
}));
const { SerialTransport } = await import('../host/link/serial.ts');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-follow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function boardSide(pty: PtyPair): Promise<{ port: SerialPort; got: () => string }> {
  const port = new SerialPort({ path: pty.paths.boardSide, baudRate: 115200, lock: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let got = '';
  port.on('data', (chunk: Buffer) => (got += chunk.toString()));
  port.on('error', () => undefined);
  return { port, got: () => got };
}

describe('following a board by USB serial number', () => {
  it('reopens under the new name after the OS renamed the device', async () => {
    const first = new PtyPair({ boardSide: join(dir, 'b0'), userSide: join(dir, 'ttyUSB0') });
    await first.start();
    listing.splice(0, listing.length, { path: first.paths.userSide, serialNumber: 'SN-42', boards: ['esp32'], esp32: true });
    const transport = new SerialTransport(first.paths.userSide, { retryMs: 50 });
    const opened: string[] = [];
    transport.on('open', () => opened.push(transport.path));
    await transport.open();
    await first.stop();
    // The board comes back as ttyUSB1.
    const second = new PtyPair({ boardSide: join(dir, 'b1'), userSide: join(dir, 'ttyUSB1') });
    await second.start();
    const board = await boardSide(second);
    listing.splice(0, listing.length, { path: second.paths.userSide, serialNumber: 'SN-42', boards: ['esp32'], esp32: true });
    const deadline = Date.now() + 5000;
    while (opened.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(opened).toEqual([first.paths.userSide, second.paths.userSide]);
    await transport.write('hello again');
    while (!board.got().includes('hello again') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(board.got()).toBe('hello again');
    await transport.close();
    await new Promise<void>((resolve) => board.port.close(() => resolve()));
    await second.stop();
  });
});

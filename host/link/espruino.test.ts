import { afterEach, describe, expect, it } from 'vitest';
import { EspruinoClient } from './espruino.ts';
import { createMemoryPair } from './memory.ts';
import { BoardConsoleServer } from '../sim/console/expose.ts';
import { ScriptBoard } from '../../test/support/script-board.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(options: { version?: string; noPackets?: boolean } = {}) {
  const board = new ScriptBoard();
  if (options.version) board.version = options.version;
  const server = new BoardConsoleServer(board, { baud: 0 });
  const [host, device] = createMemoryPair('host', 'device');
  await server.attach(device);
  await host.open();
  const client = new EspruinoClient(host, { timeoutMs: 1000, noPackets: options.noPackets });
  cleanups.push(() => server.close(), () => host.close());
  return { board, server, client, host };
}

describe('EspruinoClient against the virtual console', () => {
  for (const mode of ['packets', 'lines'] as const) {
    it(`identifies, evaluates and moves files (${mode})`, async () => {
      const { client, board } = await setup({ version: mode === 'packets' ? '2v29' : '2v20' });
      await client.sync();
      const info = await client.identify();
      expect(info.version).toBe(mode === 'packets' ? '2v29' : '2v20');
      expect(info.packets).toBe(mode === 'packets');
      expect(info.sha256).toBe(true);
      expect(await client.eval('1+2')).toBe(3);
      expect(await client.eval('({a:[1,"x"]})')).toEqual({ a: [1, 'x'] });
      await expect(client.eval('nosuch.thing')).rejects.toMatchObject({ code: 'E_DEVICE_EVAL' });
      // Bytes that would trip a naive link: DLE, SOH, XON/XOFF, ACK/NAK, newlines, 0xff.
      const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7 + 3) % 256));
      await client.writeFile('blob', data);
      expect(board.readFile('blob')).toEqual(data);
      expect(await client.readFile('blob')).toEqual(data);
      const { createHash } = await import('node:crypto');
      expect(await client.sha256('blob')).toBe(createHash('sha256').update(data).digest('hex'));
      expect(await client.sha256('absent')).toBeNull();
    });
  }

  it('holds its writes while the board has sent XOFF, resumes on XON', async () => {
    const [host, device] = createMemoryPair();
    await host.open();
    await device.open();
    let received = 0;
    device.on('data', (chunk) => (received += chunk.length));
    const client = new EspruinoClient(host);
    await device.write(Buffer.from([0x13]));
    await new Promise((r) => setTimeout(r, 20));
    const writing = client.write('x'.repeat(1000));
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toBe(0);
    await device.write(Buffer.from([0x11]));
    await writing;
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toBe(1000);
  });

  it('gives up with E_DEVICE_NO_ANSWER when nothing answers', async () => {
    const [host] = createMemoryPair();
    await host.open();
    const client = new EspruinoClient(host, { timeoutMs: 200 });
    await expect(client.sync()).rejects.toMatchObject({ code: 'E_DEVICE_NO_ANSWER' });
  });

  it('reports garbage from the device as E_DEVICE_GARBLED (wrong baud)', async () => {
    const [host, device] = createMemoryPair();
    await host.open();
    await device.open();
    // A board at the wrong baud rate answers every write with line noise.
    device.on('data', () => void device.write(Buffer.from([0xf0, 0x8c, 0xfe, 0x00, 0x9a, 0xe1, 0x80, 0xff, 0x1e, 0xc3])));
    const client = new EspruinoClient(host, { timeoutMs: 200 });
    await expect(client.sync()).rejects.toMatchObject({ code: 'E_DEVICE_GARBLED' });
  });

  it('surfaces a NAK as E_DEVICE_NAK (a file that cannot fit)', async () => {
    const { client, board } = await setup();
    await client.sync();
    await client.identify();
    board.capacity = 100;
    await expect(client.writeFile('big', Buffer.alloc(1000))).rejects.toMatchObject({ code: 'E_DEVICE_NAK' });
  });
});

describe('versions', () => {
  it('knows which firmware has the packet protocol (2v25+)', async () => {
    const { parseVersion, supportsPackets } = await import('./espruino.ts');
    expect(parseVersion('2v25.13')).toEqual({ major: 2, minor: 25 });
    expect(supportsPackets('2v24')).toBe(false);
    expect(supportsPackets('2v25')).toBe(true);
    expect(supportsPackets('3v00')).toBe(true);
    expect(supportsPackets('garbage')).toBe(false);
  });
});

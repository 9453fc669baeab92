/**
 * One contract, every Transport: memory, TCP, serial (a real socat pseudo-terminal) and the shared
 * (brokered) transport as owner and as guest. Each must deliver bytes both ways, report a pulled
 * cable as `disconnect`, come back with `open` by itself, and close cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SharedTransport } from '../host/link/broker.ts';
import { createMemoryPair, type MemoryTransport } from '../host/link/memory.ts';
import { SerialTransport } from '../host/link/serial.ts';
import { TcpTransport } from '../host/link/tcp.ts';
import type { Transport } from '../host/link/transport.ts';
import { PtyPair } from '../host/sim/console/pty.ts';

/** The far end of a link, as the board would see it. */
interface Peer {
  send(bytes: Buffer): Promise<void>;
  received(): Buffer;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  dispose(): Promise<void>;
}

interface Harness {
  transport: Transport;
  peer: Peer;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-link-'));
  process.env.SPRUCE_RUN_DIR = dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose().catch(() => undefined);
});

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function memoryHarness(): Harness {
  const [host, board] = createMemoryPair();
  let got = Buffer.alloc(0);
  board.on('data', (chunk) => (got = Buffer.concat([got, chunk])));
  void board.open();
  return {
    transport: host,
    peer: {
      send: (bytes) => board.write(bytes),
      received: () => got,
      unplug: async () => (host as MemoryTransport).unplug(),
      replug: async () => (host as MemoryTransport).replug(),
      dispose: async () => board.close(),
    },
  };
}

async function tcpPeer(): Promise<{ port: number; peer: Peer }> {
  let got = Buffer.alloc(0);
  let client: Socket | undefined;
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((socket) => {
        client = socket;
        socket.on('data', (chunk) => (got = Buffer.concat([got, chunk])));
        socket.on('error', () => undefined);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  const peer: Peer = {
    send: async (bytes) => {
      await waitFor(() => client !== undefined && !client.destroyed);
      client!.write(bytes);
    },
    received: () => got,
    unplug: async () => {
      client?.destroy();
      client = undefined;
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    replug: listen,
    dispose: async () => {
      client?.destroy();
      await new Promise<void>((resolve) => (server!.listening ? server!.close(() => resolve()) : resolve()));
    },
  };
  return { port, peer };
}

async function serialPeer(): Promise<{ path: string; peer: Peer }> {
  const pty = new PtyPair({ boardSide: join(dir, `b${Math.random()}`), userSide: join(dir, `u${Math.random()}`) });
  let got = Buffer.alloc(0);
  let port: SerialPort | undefined;
  const plug = async () => {
    await pty.start();
    port = new SerialPort({ path: pty.paths.boardSide, baudRate: 115200, lock: false, autoOpen: false });
    await new Promise<void>((resolve, reject) => port!.open((e) => (e ? reject(e) : resolve())));
    port.on('data', (chunk: Buffer) => (got = Buffer.concat([got, chunk])));
    port.on('error', () => undefined);
  };
  await plug();
  return {
    path: pty.paths.userSide,
    peer: {
      send: (bytes) => new Promise((resolve) => port!.write(bytes, () => resolve())),
      received: () => got,
      unplug: async () => {
        await pty.stop();
      },
      replug: plug,
      dispose: async () => {
        await pty.stop();
      },
    },
  };
}

const implementations: Record<string, () => Promise<Harness>> = {
  memory: async () => memoryHarness(),
  tcp: async () => {
    const { port, peer } = await tcpPeer();
    return { transport: new TcpTransport({ host: '127.0.0.1', port }, { retryMs: 50 }), peer };
  },
  serial: async () => {
    const { path, peer } = await serialPeer();
    return { transport: new SerialTransport(path, { retryMs: 50 }), peer };
  },
  'shared (owner)': async () => {
    const { port, peer } = await tcpPeer();
    return { transport: new SharedTransport(`tcp://127.0.0.1:${port}`, () => new TcpTransport({ host: '127.0.0.1', port }, { retryMs: 50 })), peer };
  },
};

describe.each(Object.entries(implementations))('Transport contract: %s', (_name, make) => {
  it('moves bytes both ways, survives an unplug, and closes', async () => {
    const { transport, peer } = await make();
    disposers.push(() => peer.dispose(), () => transport.close());
    const events: string[] = [];
    let got = Buffer.alloc(0);
    transport.on('data', (chunk) => (got = Buffer.concat([got, chunk])));
    transport.on('disconnect', () => events.push('disconnect'));
    transport.on('open', () => events.push('open'));
    transport.on('close', () => events.push('close'));
    await transport.open();
    expect(transport.state).toBe('open');
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await transport.write(all);
    await waitFor(() => peer.received().length >= 256);
    expect(peer.received()).toEqual(all);
    await peer.send(Buffer.from('hello\r\n'));
    await waitFor(() => got.toString().includes('hello'));

    await peer.unplug();
    await waitFor(() => events.includes('disconnect'));
    expect(transport.state).toBe('reconnecting');
    await expect(transport.write('x')).rejects.toMatchObject({ code: 'E_LINK_DOWN' });
    await peer.replug();
    await waitFor(() => events.filter((e) => e === 'open').length === 2);
    expect(transport.state).toBe('open');
    await transport.write('again');
    await waitFor(() => peer.received().toString('latin1').endsWith('again'));

    await transport.close();
    expect(transport.state).toBe('closed');
    expect(events.at(-1)).toBe('close');
  });
});

describe('SharedTransport: one owner per port', () => {
  it('a second user shares the owner\'s connection instead of failing on a busy port', async () => {
    const { port, peer } = await tcpPeer();
    let connections = 0;
    const makeReal = () => {
      connections++;
      return new TcpTransport({ host: '127.0.0.1', port }, { retryMs: 50 });
    };
    const owner = new SharedTransport(`tcp://127.0.0.1:${port}`, makeReal);
    const guest = new SharedTransport(`tcp://127.0.0.1:${port}`, makeReal);
    disposers.push(() => peer.dispose(), () => owner.close(), () => guest.close());
    await owner.open();
    await guest.open();
    expect(owner.mode).toBe('owner');
    expect(guest.mode).toBe('guest');
    expect(connections).toBe(1);
    let ownerGot = '';
    let guestGot = '';
    owner.on('data', (c) => (ownerGot += c.toString()));
    guest.on('data', (c) => (guestGot += c.toString()));
    await peer.send(Buffer.from('to everyone\n'));
    await waitFor(() => ownerGot.includes('to everyone') && guestGot.includes('to everyone'));
    await guest.write('from guest');
    await waitFor(() => peer.received().toString().includes('from guest'));
    // The owner waits for its guest before letting go; once the guest leaves, it closes.
    const closing = owner.close();
    await guest.close();
    await closing;
    expect(owner.state).toBe('closed');
  });

  it('a guest takes the port over when the owner goes away', async () => {
    const { port, peer } = await tcpPeer();
    const makeReal = () => new TcpTransport({ host: '127.0.0.1', port }, { retryMs: 50 });
    const owner = new SharedTransport(`tcp://127.0.0.1:${port}`, makeReal);
    const guest = new SharedTransport(`tcp://127.0.0.1:${port}`, makeReal);
    disposers.push(() => peer.dispose(), () => guest.close());
    await owner.open();
    await guest.open();
    const events: string[] = [];
    guest.on('disconnect', () => events.push('disconnect'));
    guest.on('open', () => events.push('open'));
    // Simulate the owner process dying: drop its socket server and port without waiting for guests.
    (owner as unknown as { guests: Set<Socket> }).guests.forEach((s) => s.destroy());
    await (owner as unknown as { server: Server }).server.close();
    await (owner as unknown as { real: Transport }).real.close();
    await waitFor(() => events.includes('open'));
    expect(guest.mode).toBe('owner');
    await guest.write('still here');
    await waitFor(() => peer.received().toString().includes('still here'));
  });
});

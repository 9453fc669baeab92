/**
 * Puts the virtual board's console on real ports: a pseudo-terminal (through socat) and/or a TCP
 * port, each behind its own paced UART. Like Espruino on an ESP32, there is one console: what the
 * board prints goes to every attached link, and input from any link reaches the same REPL.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SerialPort } from 'serialport';
import type { ConsoleBoard } from './board.ts';
import { VirtualConsole } from './console.ts';
import { PtyPair } from './pty.ts';
import { Uart } from './uart.ts';
import type { Transport } from '../../link/transport.ts';

export interface ExposeOptions {
  /** Line rate for every link (default 115200; 0 = unpaced). */
  baud?: number;
  /** Simulated flash write time, ms per KB of Storage written (default 12, an ESP32-like figure). */
  flashMsPerKb?: number;
}

interface Endpoint {
  uart: Uart;
  write(bytes: Buffer): void;
}

export class BoardConsoleServer {
  readonly console: VirtualConsole;
  private readonly endpoints = new Set<Endpoint>();
  private readonly baud: number;
  private pty: PtyPair | undefined;
  private ptyPort: SerialPort | undefined;
  private tcp: Server | undefined;
  private tcpClient: Socket | undefined;

  constructor(
    readonly board: ConsoleBoard,
    options: ExposeOptions = {},
  ) {
    this.baud = options.baud ?? 115200;
    const flashMsPerKb = options.flashMsPerKb ?? 12;
    // Model flash write time: while the board writes, its input waits (and may trigger XOFF).
    const paced: ConsoleBoard = {
      evaluate: (code) => board.evaluate(code),
      onOutput: (listener) => board.onOutput(listener),
      onReboot: (listener) => board.onReboot(listener),
      readFile: (name) => board.readFile(name),
      writeFile: (name, data, offset, size) => {
        board.writeFile(name, data, offset, size);
        for (const endpoint of this.endpoints) endpoint.uart.busyFor((data.length / 1024) * flashMsPerKb);
      },
      storageFree: () => board.storageFree(),
      env: () => board.env(),
      defineGlobal: (name, value) => board.defineGlobal?.(name, value),
      echoState: board.echoState,
      get sleeping() {
        return board.sleeping;
      },
    };
    this.console = new VirtualConsole(paced);
    this.console.on('tx', (bytes) => {
      for (const endpoint of this.endpoints) endpoint.uart.fromDevice(bytes);
    });
  }

  private addEndpoint(write: (bytes: Buffer) => void): Endpoint {
    const uart = new Uart({ baud: this.baud });
    const endpoint: Endpoint = { uart, write };
    uart.on('toDevice', (bytes) => this.console.receive(bytes));
    uart.on('toHost', (bytes) => endpoint.write(bytes));
    this.endpoints.add(endpoint);
    return endpoint;
  }

  private removeEndpoint(endpoint: Endpoint): void {
    endpoint.uart.stop();
    endpoint.uart.clear();
    this.endpoints.delete(endpoint);
  }

  /** Exposes the console on a pseudo-terminal; `userSide` is the path to give to spruce/screen. */
  async listenSerial(paths: { boardSide: string; userSide: string }): Promise<string> {
    this.pty = new PtyPair(paths);
    await this.plug();
    return paths.userSide;
  }

  /** Plugs the (virtual) cable back in: socat again with the same paths, and the board reattaches. */
  async plug(): Promise<void> {
    const pty = this.pty;
    if (!pty) throw new Error('listenSerial() first');
    await pty.start();
    const port = new SerialPort({ path: pty.paths.boardSide, baudRate: this.baud || 115200, autoOpen: false, lock: false, hupcl: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    const endpoint = this.addEndpoint((bytes) => {
      if (port.isOpen) port.write(bytes);
    });
    port.on('data', (chunk: Buffer) => endpoint.uart.fromHost(chunk));
    port.on('error', () => undefined);
    port.on('close', () => this.removeEndpoint(endpoint));
    this.ptyPort = port;
  }

  /** Pulls the (virtual) cable: socat dies, the host sees its port vanish; the board keeps running. */
  async unplug(): Promise<void> {
    await this.pty?.stop();
    const port = this.ptyPort;
    this.ptyPort = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Connects the console to an in-process transport (e.g. one end of createMemoryPair()). */
  async attach(transport: Transport): Promise<void> {
    const endpoint = this.addEndpoint((bytes) => {
      if (transport.state === 'open') transport.write(bytes).catch(() => undefined);
    });
    transport.on('data', (chunk) => endpoint.uart.fromHost(chunk));
    transport.on('disconnect', () => endpoint.uart.clear());
    transport.on('close', () => this.removeEndpoint(endpoint));
    if (transport.state !== 'open') await transport.open();
  }

  /** Exposes the console on TCP (one client at a time, like Espruino's telnet console). */
  listenTcp(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => {
      // A new client takes the console over; the old one is dropped.
      this.tcpClient?.destroy();
      this.tcpClient = socket;
      socket.setNoDelay(true);
      const endpoint = this.addEndpoint((bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
      socket.on('data', (chunk: Buffer) => endpoint.uart.fromHost(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.tcpClient === socket) this.tcpClient = undefined;
        // Bytes the board's TCP stack already accepted are still processed after the client left.
        const drain = () => {
          if (endpoint.uart.pendingToDevice > 0 && this.endpoints.has(endpoint)) setTimeout(drain, 20);
          else this.removeEndpoint(endpoint);
        };
        drain();
      });
    });
    this.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    await this.unplug();
    this.tcpClient?.destroy();
    if (this.tcp) await new Promise<void>((resolve) => this.tcp!.close(() => resolve()));
    this.tcp = undefined;
    for (const endpoint of [...this.endpoints]) this.removeEndpoint(endpoint);
    this.console.dispose();
  }
}

/**
 * The part of the Web Serial API that esptool-js uses (open/close, readable/writable streams,
 * setSignals, getInfo, setBaudRate), implemented on Node's serialport. esptool-js targets browsers;
 * this is what lets `spruce flash --firmware` drive it from the command line.
 *
 * setSignals drives DTR/RTS, which esptool-js toggles to reset the ESP32 into its ROM loader. On a
 * pseudo-terminal there are no modem lines; the error is ignored there (the tests' ROM emulator sits
 * behind a pty and is put in download mode by the test instead).
 */
import { SerialPort } from 'serialport';
import { serialOpenError } from '../serial.ts';

export interface WebSerialLikeOptions {
  baudRate: number;
}

export class NodeWebSerialPort {
  private port: SerialPort | undefined;
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Signal changes seen (for diagnostics and tests). */
  readonly signalLog: Array<{ dataTerminalReady?: boolean; requestToSend?: boolean }> = [];

  constructor(
    readonly path: string,
    private readonly info: { usbVendorId?: number; usbProductId?: number } = {},
  ) {}

  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return this.info;
  }

  async open(options: WebSerialLikeOptions): Promise<void> {
    const port = new SerialPort({ path: this.path, baudRate: options.baudRate, autoOpen: false, hupcl: false, lock: true });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(serialOpenError(this.path, error)) : resolve())));
    this.port = port;
    let closed = false;
    this.readable = new ReadableStream<Uint8Array>({
      start(controller) {
        port.on('data', (chunk: Buffer) => {
          if (!closed) controller.enqueue(new Uint8Array(chunk));
        });
        port.on('close', () => {
          if (closed) return;
          closed = true;
          try {
            controller.close();
          } catch {
            /* already cancelled */
          }
        });
        port.on('error', () => undefined);
      },
      cancel() {
        closed = true;
      },
    });
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) =>
        new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(chunk), (error) => (error ? reject(error) : port.drain((e) => (e ? reject(e) : resolve()))));
        }),
    });
  }

  async setSignals(signals: { dataTerminalReady?: boolean; requestToSend?: boolean; break?: boolean }): Promise<void> {
    this.signalLog.push({ dataTerminalReady: signals.dataTerminalReady, requestToSend: signals.requestToSend });
    const port = this.port;
    if (!port) return;
    const set: { dtr?: boolean; rts?: boolean; brk?: boolean } = {};
    if (signals.dataTerminalReady !== undefined) set.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) set.rts = signals.requestToSend;
    if (signals.break !== undefined) set.brk = signals.break;
    // Pseudo-terminals have no modem lines: ignore the error there.
    await new Promise<void>((resolve) => port.set(set, () => resolve()));
  }

  /** In-place baud change (esptool-js prefers it to closing and reopening, which can reset boards). */
  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.port;
    if (!port) throw new Error('port not open');
    await new Promise<void>((resolve, reject) => port.update({ baudRate }, (error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    this.readable = null;
    this.writable = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/**
 * A board on a serial port (USB bridge or pseudo-terminal), through serialport.
 *
 * Opening must not reset the board: ESP32 dev boards wire DTR/RTS to EN/IO0 through two transistors
 * that reset the chip when the lines differ. Linux raises both on open (equal: no reset); we then
 * lower both in ONE ioctl (still equal at every instant) and open with hupcl=false so closing does not
 * drop DTR alone. After an unplug we reopen the same path, or — when the OS renamed the device — the
 * port with the same USB serial number.
 */
import { existsSync, realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { SpruceError } from '../errors.ts';
import { listPorts } from './ports.ts';
import { ReconnectingTransport, type Connection, type ReconnectOptions } from './reconnecting.ts';

export interface SerialOptions extends ReconnectOptions {
  baudRate?: number;
  /** Follow the device by this USB serial number if the path disappears (found at first open if not given). */
  serialNumber?: string;
}

/** Turns serialport's open errors into errors that say what to do. */
export function serialOpenError(path: string, error: unknown): SpruceError {
  const message = error instanceof Error ? error.message : String(error);
  if (/No such file|ENOENT|cannot open.*not found/i.test(message) || !existsSync(path)) {
    return new SpruceError('E_PORT_MISSING', `serial port ${path} does not exist`, {
      exit: 'PORT',
      hint: 'check the cable (a data cable, not charge-only) and the path; `spruce ports` lists the ports present',
      cause: error,
    });
  }
  if (/Permission denied|EACCES/i.test(message)) {
    return new SpruceError('E_PORT_PERMISSION', `permission denied opening ${path}`, {
      exit: 'PORT',
      hint: 'add yourself to the group that owns the port (`sudo usermod -aG dialout $USER`, then log out and in), or check `ls -l ' + path + '`',
      cause: error,
    });
  }
  if (/lock|Resource temporarily unavailable|EBUSY|busy/i.test(message)) {
    return new SpruceError('E_PORT_BUSY', `serial port ${path} is in use by another program`, {
      exit: 'PORT',
      hint: 'close the other program holding it (screen, minicom, an IDE serial monitor); spruce commands share one connection, so run `spruce monitor` alongside instead',
      cause: error,
    });
  }
  return new SpruceError('E_PORT_OPEN', `cannot open ${path}: ${message}`, { exit: 'PORT', cause: error });
}

export class SerialTransport extends ReconnectingTransport {
  private currentPath: string;
  private serialNumber: string | undefined;
  private readonly baudRate: number;

  constructor(path: string, options: SerialOptions = {}) {
    super(options);
    this.currentPath = path;
    this.baudRate = options.baudRate ?? 115200;
    this.serialNumber = options.serialNumber;
  }

  get name(): string {
    return this.currentPath;
  }

  get path(): string {
    return this.currentPath;
  }

  protected async connect(): Promise<Connection> {
    if (!existsSync(this.currentPath) && this.serialNumber) {
      // The OS may have renamed the device (ttyUSB0 -> ttyUSB1): follow its serial number.
      const ports = await listPorts().catch(() => []);
      const same = ports.find((port) => port.serialNumber === this.serialNumber);
      if (same) this.currentPath = same.path;
    }
    const path = this.currentPath;
    const port = new SerialPort({ path, baudRate: this.baudRate, autoOpen: false, hupcl: false, lock: true, rtscts: false, xon: false, xoff: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(serialOpenError(path, error)) : resolve())));
    // Both lines move together in one ioctl, so the auto-reset circuit never sees them differ.
    // Pseudo-terminals do not have modem lines: ignore the error there.
    await new Promise<void>((resolve) => port.set({ dtr: false, rts: false }, () => resolve()));
    if (this.serialNumber === undefined) {
      const ports = await listPorts().catch(() => []);
      this.serialNumber = ports.find((p) => p.path === path)?.serialNumber;
    }
    const connection: Connection = {
      write: (data) =>
        new Promise((resolve, reject) => {
          port.write(data, (error) => (error ? reject(error) : port.drain((e) => (e ? reject(e) : resolve()))));
        }),
      close: () =>
        new Promise((resolve) => {
          if (!port.isOpen) return resolve();
          port.close(() => resolve());
        }),
    };
    // The kernel does not always wake a pending read when a device disappears (pseudo-terminals in
    // particular), so also watch the device node: a vanished or re-pointed node is an unplug.
    const device = safeRealpath(path);
    let lost = false;
    const lose = (reason: Error) => {
      if (lost) return;
      lost = true;
      clearInterval(watch);
      if (port.isOpen) port.close(() => undefined);
      connection.onLost?.(reason);
    };
    const watch = setInterval(() => {
      if (safeRealpath(path) !== device) lose(new Error(`${path} disappeared (unplugged?)`));
    }, 250);
    watch.unref();
    const close = connection.close;
    connection.close = async () => {
      lost = true;
      clearInterval(watch);
      await close();
    };
    port.on('data', (chunk: Buffer) => connection.onData?.(chunk));
    port.on('error', () => undefined);
    port.on('close', (error: Error | null) => lose(error ?? new Error(`${path} closed`)));
    return connection;
  }
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A UART at a given baud rate between the host and the virtual console, so the virtual board is as
 * slow as a real one (115200 baud = 11520 bytes/s with 8N1's 10 bits per byte) and flow control
 * matters as it does on the desk:
 *
 *   host writes -> [wire: bytes wait for their slot at line rate] -> [device input buffer] -> console
 *   console tx  -> [wire at line rate] -> host
 *
 * The device side sends XOFF when its input buffer passes 3/4 full and XON below 1/4, like Espruino;
 * a host that ignores XOFF overflows the buffer and loses bytes (counted in `lostBytes`), which is the
 * real failure mode. The console can report itself busy (e.g. a flash write) through `busyFor`.
 */
import { EventEmitter } from 'node:events';
import { XOFF, XON } from '../../link/packets.ts';

export interface UartOptions {
  /** Bits per second; 0 means unpaced (as fast as possible). Default 115200. */
  baud?: number;
  /** Device input buffer size in bytes. Default 2048. */
  inputBuffer?: number;
}

export interface UartEvents {
  /** Bytes arriving at the host, paced. */
  toHost: [Buffer];
  /** Bytes released to the console. */
  toDevice: [Buffer];
}

const TICK_MS = 2;

export class Uart extends EventEmitter<UartEvents> {
  readonly bytesPerMs: number;
  private readonly capacity: number;
  private readonly wireIn: Buffer[] = [];
  private wireInBytes = 0;
  private readonly deviceBuffer: Buffer[] = [];
  private deviceBufferBytes = 0;
  private readonly wireOut: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private inCredit = 0;
  private outCredit = 0;
  private busyUntil = 0;
  private xoffSent = false;
  lostBytes = 0;

  constructor(options: UartOptions = {}) {
    super();
    const baud = options.baud ?? 115200;
    this.bytesPerMs = baud > 0 ? baud / 10 / 1000 : Infinity;
    this.capacity = options.inputBuffer ?? 2048;
  }

  /** The host wrote these bytes. */
  fromHost(bytes: Buffer): void {
    this.wireIn.push(bytes);
    this.wireInBytes += bytes.length;
    this.schedule();
  }

  /** The console wants to send these bytes. */
  fromDevice(bytes: Buffer): void {
    this.wireOut.push(bytes);
    this.schedule();
  }

  /** Bytes from the host not yet handed to the console (on the wire or in the device buffer). */
  get pendingToDevice(): number {
    return this.wireInBytes + this.deviceBufferBytes;
  }

  /** The console is busy (e.g. writing flash) for this long: input waits in the device buffer. */
  busyFor(ms: number): void {
    this.busyUntil = Math.max(this.busyUntil, performance.now() + ms);
    this.schedule();
  }

  /** Forget everything in flight (the cable was pulled). */
  clear(): void {
    this.wireIn.length = 0;
    this.wireInBytes = 0;
    this.deviceBuffer.length = 0;
    this.deviceBufferBytes = 0;
    this.wireOut.length = 0;
    this.xoffSent = false;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    if (this.bytesPerMs === Infinity) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.tick(true);
      }, 0);
      return;
    }
    if (this.lastTick === 0 || performance.now() - this.lastTick > 50) {
      // Idle line: start fresh, without banking credit from the idle time.
      this.lastTick = performance.now();
      this.inCredit = this.outCredit = 0;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick(false);
    }, TICK_MS);
  }

  private tick(unpaced: boolean): void {
    const now = performance.now();
    const earned = unpaced ? Infinity : (now - this.lastTick) * this.bytesPerMs;
    this.lastTick = now;
    // Host -> device: the wire moves bytes into the device buffer at line rate.
    this.inCredit = Math.min(this.inCredit + earned, unpaced ? Infinity : this.bytesPerMs * 50);
    const moved = takeBytes(this.wireIn, Math.floor(this.inCredit));
    this.inCredit -= moved.length;
    this.wireInBytes -= moved.length;
    if (moved.length > 0) {
      // Unpaced (tests): no line, so no buffer to overflow.
      const room = unpaced ? Infinity : this.capacity - this.deviceBufferBytes;
      if (moved.length > room) this.lostBytes += moved.length - room;
      const kept = room >= moved.length ? moved : moved.subarray(0, Math.max(0, room));
      if (kept.length > 0) {
        this.deviceBuffer.push(kept);
        this.deviceBufferBytes += kept.length;
      }
    }
    // The console drains its buffer unless it is busy.
    if (now >= this.busyUntil && this.deviceBufferBytes > 0) {
      const all = takeBytes(this.deviceBuffer, this.deviceBufferBytes);
      this.deviceBufferBytes = 0;
      this.emit('toDevice', all);
    }
    this.flowControl();
    // Device -> host at line rate.
    this.outCredit = Math.min(this.outCredit + earned, unpaced ? Infinity : this.bytesPerMs * 50);
    const out = takeBytes(this.wireOut, Math.floor(this.outCredit));
    this.outCredit -= out.length;
    if (out.length > 0) this.emit('toHost', out);
    if (this.wireInBytes > 0 || this.deviceBufferBytes > 0 || this.wireOut.length > 0) this.schedule();
  }

  private flowControl(): void {
    // XON/XOFF jump the queue, as a UART driver sends them ahead of buffered output.
    if (!this.xoffSent && this.deviceBufferBytes > (this.capacity * 3) / 4) {
      this.xoffSent = true;
      this.wireOut.unshift(Buffer.from([XOFF]));
    } else if (this.xoffSent && this.deviceBufferBytes < this.capacity / 4) {
      this.xoffSent = false;
      this.wireOut.unshift(Buffer.from([XON]));
    }
  }
}

/** Removes up to n bytes from the front of a queue of buffers. */
function takeBytes(queue: Buffer[], n: number): Buffer {
  const parts: Buffer[] = [];
  let need = n;
  while (need > 0 && queue.length > 0) {
    const head = queue[0]!;
    if (head.length <= need) {
      parts.push(head);
      need -= head.length;
      queue.shift();
    } else {
      parts.push(head.subarray(0, need));
      queue[0] = head.subarray(need);
      need = 0;
    }
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * A device simulator for the bridge's fault tests and benchmark: it speaks the real wire format
 * (`@s1 <json> <hmac>` signed with the device key) on one end of a socat pty pair, mixes in console
 * noise (ROM banners, prompts, erase sequences, `Uncaught` errors, forged, malformed, over-long and
 * unknown-device frames), and behaves like the firmware's outbox: a frame stays in the outbox until
 * the bridge acknowledges it with `\x10ack(boot,seq)\n`, and unacknowledged frames are resent.
 * It survives unplugs: when its pty vanishes it keeps generating and reopens the path when it is back.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { asciiJson, formatFrame } from '../../firmware/core/wire.ts';

export interface DeviceSimOptions {
  id: string;
  /** 64 hex chars. */
  key: string;
  path: string;
  /** Frames per second. */
  rate: number;
  /** Total frames to generate. */
  total: number;
  /** Probability of a noise line before each frame. */
  noise?: number;
  /** Start a new boot (seq back to 0) every this many frames, like a wake cycle. */
  bootEvery?: number;
  firstBoot?: number;
  /** Resend a frame not acknowledged within this many ms. */
  retransmitMs?: number;
  /** Deterministic noise choice. */
  seed?: number;
}

export type NoiseKind = 'banner' | 'garbage' | 'prompt' | 'uncaught' | 'forged' | 'malformed' | 'overlong' | 'unknown';

interface OutboxItem {
  line: string;
  sentAt: number;
  boot: number;
  seq: number;
}

export class DeviceSim {
  /** Every (boot, seq) generated, as "boot:seq". */
  readonly generated: string[] = [];
  readonly injected: Record<NoiseKind, number> = { banner: 0, garbage: 0, prompt: 0, uncaught: 0, forged: 0, malformed: 0, overlong: 0, unknown: 0 };
  acks = 0;
  resent = 0;
  private outbox = new Map<string, OutboxItem>();
  private sendQueue: string[] = [];
  private port: SerialPort | null = null;
  private writing = false;
  private timer: NodeJS.Timeout | null = null;
  private reopenTimer: NodeJS.Timeout | null = null;
  private boot: number;
  private seq = 0;
  private rxText = '';
  private stopped = false;
  private random: () => number;
  private credit = 0;
  private lastTick = Date.now();

  constructor(readonly options: DeviceSimOptions) {
    this.boot = options.firstBoot ?? 1;
    let state = options.seed ?? 12345;
    this.random = () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state / 4294967296;
    };
  }

  get id(): string {
    return this.options.id;
  }

  get outboxSize(): number {
    return this.outbox.size;
  }

  /** All frames generated and acknowledged. */
  get done(): boolean {
    return this.generated.length >= this.options.total && this.outbox.size === 0;
  }

  get finishedGenerating(): boolean {
    return this.generated.length >= this.options.total;
  }

  async start(): Promise<void> {
    await this.openPort();
    this.lastTick = Date.now();
    this.timer = setInterval(() => this.tick(), 10);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Signs a frame exactly as the firmware does. */
  static frame(key: string, envelope: { dev: string; boot: number; seq: number; k: string; d: Record<string, unknown> }): string {
    const json = asciiJson(envelope);
    return formatFrame(json, createHmac('sha256', Buffer.from(key, 'hex')).update(json, 'latin1').digest('hex'));
  }

  private openPort(): Promise<void> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: this.options.path, baudRate: 115200, autoOpen: false, lock: false });
      port.open((error) => {
        if (error) return reject(error);
        this.port = port;
        this.rxText = '';
        port.on('data', (chunk: Buffer) => this.onData(chunk));
        port.on('error', () => undefined);
        port.on('close', () => {
          if (this.port === port) this.port = null;
          this.writing = false;
          this.scheduleReopen();
        });
        // Everything not acknowledged goes out again after a (re)connect.
        this.requeueAll();
        resolve();
      });
    });
  }

  private scheduleReopen(): void {
    if (this.stopped || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.stopped || this.port) return;
      if (!existsSync(this.options.path)) return this.scheduleReopen();
      this.openPort().catch(() => this.scheduleReopen());
    }, 100);
  }

  private onData(chunk: Buffer): void {
    this.rxText += chunk.toString('latin1');
    let newline: number;
    while ((newline = this.rxText.indexOf('\n')) >= 0) {
      const line = this.rxText.slice(0, newline);
      this.rxText = this.rxText.slice(newline + 1);
      const match = /^\x10?ack\((\d+),(\d+)\)$/.exec(line.trim());
      if (match) {
        this.acks++;
        this.outbox.delete(`${match[1]}:${match[2]}`);
      }
    }
    if (this.rxText.length > 4096) this.rxText = '';
  }

  private tick(): void {
    const now = Date.now();
    this.credit += ((now - this.lastTick) * this.options.rate) / 1000;
    this.lastTick = now;
    const noise = this.options.noise ?? 0;
    while (this.credit >= 1 && this.generated.length < this.options.total) {
      this.credit--;
      if (this.random() < noise) this.sendQueue.push(this.noiseLine());
      const { boot, seq } = this.nextId();
      const line = DeviceSim.frame(this.options.key, { dev: this.options.id, boot, seq, k: seq % 50 === 0 ? 'c' : 'r', d: { v: (seq * 7919) % 10007, n: seq } });
      this.generated.push(`${boot}:${seq}`);
      this.outbox.set(`${boot}:${seq}`, { line, sentAt: now, boot, seq });
      // Some frames arrive the way Espruino prints timer output while its prompt is shown.
      this.sendQueue.push(this.random() < noise ? `>\r\x1b[J${line}\r\n` : `${line}\r\n`);
    }
    if (this.generated.length >= this.options.total) this.credit = 0;
    this.retransmitDue(now);
    this.flush();
  }

  private nextId(): { boot: number; seq: number } {
    const every = this.options.bootEvery ?? Infinity;
    if (this.seq >= every) {
      this.boot++;
      this.seq = 0;
    }
    return { boot: this.boot, seq: this.seq++ };
  }

  private retransmitDue(now: number): void {
    const after = this.options.retransmitMs ?? 3000;
    if (this.sendQueue.length > 0) return; // the link is still busy with fresh frames
    let budget = Math.max(50, this.options.rate); // at most ~1 s worth per round
    for (const item of this.outbox.values()) {
      if (budget <= 0) break;
      if (now - item.sentAt < after) continue; // Map keeps send order, but requeues reorder; scan
      item.sentAt = now;
      this.sendQueue.push(`${item.line}\r\n`);
      this.resent++;
      budget--;
    }
  }

  private requeueAll(): void {
    const now = Date.now();
    for (const item of this.outbox.values()) {
      item.sentAt = now;
      this.sendQueue.push(`${item.line}\r\n`);
    }
  }

  private flush(): void {
    const port = this.port;
    if (!port || this.writing || this.sendQueue.length === 0) return;
    // Bounded chunks so an unplug can cut a line in the middle.
    const batch = this.sendQueue.splice(0, 200).join('');
    this.writing = true;
    port.write(Buffer.from(batch, 'latin1'), () => {
      port.drain(() => {
        if (this.port === port) this.writing = false;
        this.flush();
      });
    });
  }

  private noiseLine(): string {
    const kinds: NoiseKind[] = ['banner', 'garbage', 'prompt', 'uncaught', 'forged', 'malformed', 'overlong', 'unknown'];
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    this.injected[kind]++;
    const seq = this.seq;
    switch (kind) {
      case 'banner':
        return this.random() < 0.5 ? 'ets Jun  8 2016 00:22:57\r\n' : 'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n';
      case 'garbage': {
        // Random bytes (never a newline) as from a garbled ROM banner at the wrong baud rate.
        const bytes = randomBytes(20 + Math.floor(this.random() * 40));
        for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) bytes[i] = 0x7e;
        return bytes.toString('latin1') + '\n';
      }
      case 'prompt':
        return '>\r\n';
      case 'uncaught':
        return 'Uncaught Error: Function "frob" not found!\r\n';
      case 'forged': {
        // A genuine-looking frame with its payload changed after signing.
        const line = DeviceSim.frame(this.options.key, { dev: this.options.id, boot: this.boot, seq: seq + 1_000_000, k: 'r', d: { v: 1 } });
        return line.replace('"v":1', '"v":2') + '\r\n';
      }
      case 'malformed':
        return `@s1 {"dev":"${this.options.id}","boot":${this.boot},"seq" ${'0'.repeat(64)}\r\n`;
      case 'overlong':
        return '@s1 ' + 'x'.repeat(3000) + '\r\n';
      case 'unknown':
        return DeviceSim.frame(randomBytes(32).toString('hex'), { dev: 'stranger', boot: 1, seq, k: 'r', d: { v: 0 } }) + '\r\n';
    }
  }
}

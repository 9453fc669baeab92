/**
 * Talking to Espruino over any Transport: get its attention (Ctrl-C), turn echo off, identify the
 * board and firmware, evaluate expressions and move files — with the packet protocol on 2v25+ and
 * with plain REPL lines on older firmware. Writes honour XON/XOFF from the board.
 *
 * Expressions are always wrapped (answer.ts) so the board answers `{"v":value}` or `{"e":"message"}`:
 * a thrown error comes back as a value, never as a half-read `Uncaught` line.
 */
import { SpruceError } from '../errors.ts';
import { CTRL_C, MAX_PACKET_DATA, PacketType, encodePacket, type Packet } from './packets.ts';
import { RxDemux } from './rx.ts';
import { readStorageFile, writeStorageFile } from './files.ts';
import { unwrapAnswer, wrapExpression } from './answer.ts';
import type { BoardChannel, Progress } from './channel.ts';
import { nakError, parseVersion, silenceError, supportsPackets } from './diagnose.ts';

export { parseVersion, supportsPackets } from './diagnose.ts';
import type { Transport } from './transport.ts';

export interface BoardInfo {
  version: string;
  board: string;
  /** Parsed version, e.g. 2v29 -> {major:2, minor:29}. */
  major: number;
  minor: number;
  /** Packet protocol available (2v25+). */
  packets: boolean;
  /** require("crypto").SHA256 exists. */
  sha256: boolean;
  env: Record<string, unknown>;
}

export interface ClientOptions {
  /** How long to wait for an answer, ms (default 3000). */
  timeoutMs?: number;
  /** Packet payload size for file uploads (default 2048; max 8191). */
  chunkSize?: number;
  /** Force the line-based fallback even on 2v25+ (tests, odd firmware). */
  noPackets?: boolean;
}

let nextMarker = 1;

export class EspruinoClient implements BoardChannel {
  readonly rx = new RxDemux();
  private xoff = false;
  private xonWaiters: Array<() => void> = [];
  readonly timeoutMs: number;
  readonly chunkSize: number;
  /** Whether files and queries go through the packet protocol (set by identify()). */
  usePackets = false;
  info: BoardInfo | undefined;
  /** Text the board printed that no request consumed (program output). */
  private readonly textListeners = new Set<(text: string) => void>();
  private textBuffer = '';
  private readonly onData = (chunk: Buffer) => this.rx.push(chunk);
  private readonly onOpen = () => {
    this.rx.reset();
    this.xoff = false;
    this.releaseXon();
  };

  constructor(
    readonly transport: Transport,
    private readonly options: ClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.chunkSize = Math.min(options.chunkSize ?? 2048, MAX_PACKET_DATA);
    transport.on('data', this.onData);
    transport.on('open', this.onOpen);
    this.rx.on('xoff', () => {
      this.xoff = true;
    });
    this.rx.on('xon', () => {
      this.xoff = false;
      this.releaseXon();
    });
    this.rx.on('text', (bytes) => {
      const text = bytes.toString('latin1');
      this.textBuffer = (this.textBuffer + text).slice(-65536);
      for (const listener of this.textListeners) listener(text);
    });
  }

  /** Stops listening to the transport (it stays open for others). */
  detach(): void {
    this.transport.off('data', this.onData);
    this.transport.off('open', this.onOpen);
    this.releaseXon();
  }

  /** Subscribes to the board's console text (protocol bytes removed). */
  onText(listener: (text: string) => void): () => void {
    this.textListeners.add(listener);
    return () => this.textListeners.delete(listener);
  }

  private releaseXon(): void {
    for (const waiter of this.xonWaiters.splice(0)) waiter();
  }

  private async waitXon(): Promise<void> {
    if (!this.xoff) return;
    // Espruino's own tools give an XOFF at most 10 s; after that the board is assumed to have lost it.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.xoff = false;
        resolve();
      }, 10_000);
      this.xonWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Writes bytes in slices, pausing whenever the board has sent XOFF. */
  async write(data: Buffer | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const slice = 256;
    for (let offset = 0; offset < bytes.length; offset += slice) {
      await this.waitXon();
      await this.transport.write(bytes.subarray(offset, offset + slice));
    }
  }

  /**
   * Gets the board's attention: Ctrl-C clears a half-typed line or breaks running code, then echo
   * off, then a probe that must come back. Run it after opening and after any reboot.
   */
  async sync(): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.write(Buffer.from([CTRL_C]));
      await this.write('\x10echo(0)\n');
      try {
        await this.evalLine('1', Math.min(this.timeoutMs, 1500 * (attempt + 1)));
        return;
      } catch (error) {
        lastError = error;
      }
    }
    throw this.noAnswer('the board did not answer a probe after Ctrl-C', lastError);
  }

  private noAnswer(what: string, cause?: unknown): SpruceError {
    return silenceError(what, this.textBuffer, this.transport.name, cause);
  }

  /** Identifies the board: version, board name, packet support, SHA256 support. */
  async identify(): Promise<BoardInfo> {
    const env = (await this.evalLine('process.env')) as Record<string, unknown>;
    if (!env || typeof env !== 'object' || typeof env.VERSION !== 'string') {
      throw new SpruceError('E_DEVICE_UNKNOWN', 'the board answered but did not report an Espruino version', { exit: 'DEVICE', hint: 'is this board running Espruino?' });
    }
    const version = env.VERSION;
    const parsed = parseVersion(version) ?? { major: 0, minor: 0 };
    const sha256 = (await this.evalLine('typeof require("crypto").SHA256=="function"').catch(() => false)) === true;
    const info: BoardInfo = { version, board: String(env.BOARD ?? 'unknown'), ...parsed, packets: supportsPackets(version) && !this.options.noPackets, sha256, env };
    this.info = info;
    this.usePackets = info.packets;
    return info;
  }

  /** Evaluates an expression on the board and returns its JSON value. */
  async eval(expression: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    return this.usePackets ? this.evalPacket(expression, timeoutMs) : this.evalLine(expression, timeoutMs);
  }

  /** REPL-line evaluation, for any firmware: the answer is printed between markers built at run time. */
  async evalLine(expression: string, timeoutMs = this.timeoutMs): Promise<unknown> {
    const id = `${process.pid.toString(36)}${(nextMarker++).toString(36)}`;
    const open = `<S${id}>`;
    const close = `</S${id}>`;
    // The markers are concatenated on the board, so an echo of this line can never match them.
    const line = `\x10print("<S"+${JSON.stringify(id)}+">"+${wrapExpression(expression)}+"</S"+${JSON.stringify(id)}+">")\n`;
    let seen = '';
    let cancel = () => {};
    const answer = new Promise<string>((resolve, reject) => {
      cancel = () => {
        clearTimeout(timer);
        off();
      };
      const timer = setTimeout(() => {
        off();
        reject(this.noAnswer(`no answer to \`${expression.slice(0, 60)}\` within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onText((text) => {
        seen = (seen + text).slice(-1_000_000);
        const start = seen.indexOf(open);
        if (start < 0) return;
        const end = seen.indexOf(close, start);
        if (end < 0) return;
        clearTimeout(timer);
        off();
        resolve(seen.slice(start + open.length, end));
      });
    });
    answer.catch(() => undefined);
    try {
      await this.write(line);
    } catch (error) {
      cancel();
      throw error;
    }
    return unwrapAnswer(expression, await answer);
  }

  /** Waits for one packet of a type (or a NAK), with a timeout. */
  private nextPacket(type: number, timeoutMs: number, what: string, signal?: AbortSignal): Promise<Packet> {
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => {
        cleanup();
        reject(new Error('aborted'));
      });
      const cleanup = () => {
        clearTimeout(timer);
        this.rx.off('packet', onPacket);
        this.rx.off('nak', onNak);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(this.noAnswer(`no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const onPacket = (packet: Packet) => {
        if (packet.type !== type) return;
        cleanup();
        resolve(packet);
      };
      const onNak = () => {
        cleanup();
        reject(nakError(what));
      };
      this.rx.on('packet', onPacket);
      this.rx.on('nak', onNak);
    });
  }

  private async evalPacket(expression: string, timeoutMs: number): Promise<unknown> {
    const code = wrapExpression(expression);
    if (code.length > MAX_PACKET_DATA) return this.evalLine(expression, timeoutMs);
    const controller = new AbortController();
    const response = this.nextPacket(PacketType.RESPONSE, timeoutMs, `EVAL \`${expression.slice(0, 60)}\``, controller.signal);
    response.catch(() => undefined);
    try {
      await this.write(encodePacket(PacketType.EVAL, code));
    } catch (error) {
      controller.abort();
      throw error;
    }
    // The RESPONSE holds the JSON of our wrapper's string: decode twice.
    const packet = await response;
    let inner: unknown;
    try {
      inner = JSON.parse(packet.data.toString('latin1'));
    } catch {
      inner = undefined;
    }
    if (typeof inner !== 'string') {
      throw new SpruceError('E_DEVICE_GARBLED', `unexpected RESPONSE to EVAL: ${JSON.stringify(packet.data.toString('latin1').slice(0, 80))}`, { exit: 'DEVICE' });
    }
    return unwrapAnswer(expression, inner);
  }

  /** Sends one packet and waits for its ACK; retries on NAK up to `retries` times. */
  async sendPacket(type: number, data: Buffer | string, what: string, retries = 2): Promise<void> {
    const bytes = encodePacket(type, data);
    for (let attempt = 0; ; attempt++) {
      let cancel = () => {};
      const answer = new Promise<'ack' | 'nak'>((resolve, reject) => {
        const cleanup = (cancel = () => {
          clearTimeout(timer);
          this.rx.off('ack', onAck);
          this.rx.off('nak', onNak);
        });
        // The board refuses a packet that takes over 2 s; allow the bytes' time on the wire too.
        const timer = setTimeout(() => {
          cleanup();
          reject(this.noAnswer(`no ACK for ${what} within ${this.timeoutMs} ms`));
        }, this.timeoutMs + bytes.length / 5);
        const onAck = () => {
          cleanup();
          resolve('ack');
        };
        const onNak = () => {
          cleanup();
          resolve('nak');
        };
        this.rx.on('ack', onAck);
        this.rx.on('nak', onNak);
      });
      answer.catch(() => undefined);
      try {
        await this.write(bytes);
      } catch (error) {
        cancel();
        throw error;
      }
      if ((await answer) === 'ack') return;
      if (attempt >= retries) throw nakError(what);
    }
  }

  /** Writes a whole Storage file. Packet protocol when available, else chunked Storage.write lines. */
  writeFile(name: string, data: Buffer, progress?: Progress): Promise<void> {
    return writeStorageFile(this, name, data, progress);
  }

  /** Reads a Storage file back (packet FILE_RECV, else base64 lines). */
  readFile(name: string): Promise<Buffer> {
    return readStorageFile(this, name);
  }

  /** SHA-256 (hex) of a Storage file, computed on the board; null if there is no such file. */
  async sha256(name: string): Promise<string | null> {
    const expression = `(function(f){if(f===undefined)return null;var b=new Uint8Array(require("crypto").SHA256(f)),s="";for(var i=0;i<b.length;i++)s+=(256+b[i]).toString(16).substr(1);return s})(require("Storage").read(${JSON.stringify(name)}))`;
    return (await this.eval(expression, Math.max(this.timeoutMs, 10_000))) as string | null;
  }
}

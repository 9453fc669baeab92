/**
 * The virtual board's console: Espruino's REPL line discipline and its packet protocol, as a byte
 * machine. Bytes from the host go in through receive(); bytes for the host come out as `tx` events.
 * It knows nothing about ports or timing: uart.ts paces it, expose.ts puts it on a pty or TCP.
 *
 * Behaviour follows ESPRUINO.md section 4: echo and the `>` prompt, DLE-prefixed lines not echoed,
 * echo(0), Ctrl-C, 0x05 version query, continuation inside brackets and after ESC+newline, and
 * DLE SOH packets (EVAL/RESPONSE, EVENT, FILE_SEND/DATA/FILE_RECV answered by ACK/NAK).
 */
import { EventEmitter } from 'node:events';
import { CTRL_C, DLE, ENQ, ESC, NAK, PACKET_TIMEOUT_MS, SOH, XOFF, XON, decodeHeader } from '../../link/packets.ts';
import { isIncomplete } from './brackets.ts';
import { formatResult, type ConsoleBoard } from './board.ts';
import { PacketServer } from './packet-server.ts';

export interface ConsoleEvents {
  /** Bytes for the host. */
  tx: [Buffer];
  /** A line was executed (for logs and tests). */
  exec: [string];
}

export function describeThrown(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    const name = (error as { name?: unknown }).name;
    return `${typeof name === 'string' && name ? name : 'Error'}: ${String((error as { message: unknown }).message)}`;
  }
  return String(error);
}

export class VirtualConsole extends EventEmitter<ConsoleEvents> {
  private ownEcho = true;

  /** echo(1): characters are echoed, results printed as `=value`, prompt shown. */
  get echo(): boolean {
    return this.board.echoState ? this.board.echoState.get() : this.ownEcho;
  }

  set echo(on: boolean) {
    if (this.board.echoState) this.board.echoState.set(on);
    else this.ownEcho = on;
  }
  private line = '';
  private echoOffForLine = false;
  private pendingDle = false;
  private afterEsc: 'none' | 'esc' | 'csi' = 'none';
  private lastWasCr = false;
  private evaluating = false;
  private packet: { header: number[]; type: number; length: number; chunks: Buffer[]; received: number; timer: NodeJS.Timeout } | undefined;
  private readonly packets: PacketServer;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly board: ConsoleBoard) {
    super();
    this.packets = new PacketServer(board, {
      send: (bytes) => this.send(bytes),
      print: (text) => this.print(text),
    });
    // echo() belongs to the console, not to the program: the board forwards the call here.
    board.defineGlobal?.('echo', (on: unknown) => {
      this.echo = Boolean(on);
    });
    this.unsubscribe.push(board.onOutput((text) => this.print(text)));
    this.unsubscribe.push(
      board.onReboot((banner) => {
        // A reboot is a fresh interpreter: echo back on, input and transfers forgotten.
        this.echo = true;
        this.line = '';
        this.echoOffForLine = false;
        this.dropPacket();
        this.packets.abortFile();
        this.send(banner.replace(/\r?\n/g, '\r\n') + '\r\n');
        // The prompt follows the boot code, which runs right after this event.
        setImmediate(() => {
          if (this.echo) this.send('>');
        });
      }),
    );
  }

  /** Stops listening to the board. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.dropPacket();
    this.packets.abortFile();
  }

  /** The text currently typed at the prompt (for tests). */
  get inputLine(): string {
    return this.line;
  }

  private send(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (bytes.length > 0) this.emit('tx', bytes);
  }

  /** Program output: clean lines with echo off; with the prompt shown, it is redrawn around them. */
  print(text: string): void {
    const body = text.replace(/\r?\n/g, '\r\n') + '\r\n';
    if (this.echo && !this.evaluating) this.send('\r\x1b[J' + body + '>' + this.line.replace(/\n/g, '\r\n:'));
    else this.send(body);
  }

  receive(chunk: Buffer): void {
    // A chip in deep sleep does not listen to its UART: the bytes are lost, as on the desk.
    if (this.board.sleeping) return;
    for (let i = 0; i < chunk.length; i++) {
      const packet = this.packet;
      if (packet) {
        i = this.receivePacketBytes(packet, chunk, i);
        continue;
      }
      this.receiveByte(chunk[i]!);
    }
  }

  private receivePacketBytes(packet: NonNullable<VirtualConsole['packet']>, chunk: Buffer, i: number): number {
    if (packet.header.length < 2) {
      packet.header.push(chunk[i]!);
      if (packet.header.length === 2) {
        const { type, length } = decodeHeader(packet.header[0]!, packet.header[1]!);
        packet.type = type;
        packet.length = length;
        if (length === 0) this.finishPacket();
      }
      return i;
    }
    const take = Math.min(packet.length - packet.received, chunk.length - i);
    packet.chunks.push(Buffer.from(chunk.subarray(i, i + take)));
    packet.received += take;
    if (packet.received === packet.length) this.finishPacket();
    return i + take - 1;
  }

  private finishPacket(): void {
    const packet = this.packet!;
    clearTimeout(packet.timer);
    this.packet = undefined;
    this.packets.handle(packet.type, Buffer.concat(packet.chunks));
  }

  private dropPacket(): void {
    if (this.packet) clearTimeout(this.packet.timer);
    this.packet = undefined;
  }

  private receiveByte(byte: number): void {
    if (this.pendingDle) {
      this.pendingDle = false;
      if (byte === SOH) {
        const timer = setTimeout(() => {
          // A packet that does not arrive whole within 2 s is refused.
          this.packet = undefined;
          this.send(Buffer.from([NAK]));
        }, PACKET_TIMEOUT_MS);
        timer.unref();
        this.packet = { header: [], type: 0, length: 0, chunks: [], received: 0, timer };
        return;
      }
      // DLE then anything else: this line is not echoed (and its result not printed).
      this.echoOffForLine = true;
    }
    if (this.afterEsc === 'csi') {
      if (byte >= 0x40 && byte <= 0x7e) this.afterEsc = 'none';
      return;
    }
    if (this.afterEsc === 'esc') {
      this.afterEsc = 'none';
      if (byte === 0x5b) {
        this.afterEsc = 'csi';
        return;
      }
      if (byte === 0x0a || byte === 0x0d) {
        // ESC + newline: a newline inside the statement, never an execution.
        this.line += '\n';
        this.lastWasCr = byte === 0x0d;
        if (this.showsEcho()) this.send('\r\n:');
        return;
      }
    }
    switch (byte) {
      case DLE:
        this.pendingDle = true;
        return;
      case ESC:
        this.afterEsc = 'esc';
        return;
      case CTRL_C:
        this.line = '';
        this.echoOffForLine = false;
        if (this.echo) this.send('\r\n>');
        return;
      case ENQ:
        if (this.line === '') this.send(`${this.board.env().VERSION} ${this.board.env().BOARD}\r\n`);
        return;
      case XON:
      case XOFF:
        return;
      case 0x08:
      case 0x7f:
        if (this.line.length > 0 && !this.line.endsWith('\n')) {
          this.line = this.line.slice(0, -1);
          if (this.showsEcho()) this.send('\x08 \x08');
        }
        return;
      case 0x0d:
      case 0x0a:
        if (byte === 0x0a && this.lastWasCr) {
          this.lastWasCr = false;
          return;
        }
        this.lastWasCr = byte === 0x0d;
        this.newline();
        return;
      default:
        this.lastWasCr = false;
        this.line += String.fromCharCode(byte);
        if (this.showsEcho()) this.send(Buffer.from([byte]));
    }
  }

  private showsEcho(): boolean {
    return this.echo && !this.echoOffForLine;
  }

  private newline(): void {
    if (isIncomplete(this.line)) {
      this.line += '\n';
      if (this.showsEcho()) this.send('\r\n:');
      return;
    }
    const code = this.line;
    const quiet = !this.showsEcho();
    this.line = '';
    this.echoOffForLine = false;
    if (!quiet) this.send('\r\n');
    if (code.trim() !== '') this.execute(code, quiet);
    if (!quiet && this.echo) this.send('>');
  }

  private execute(code: string, quiet: boolean): void {
    this.emit('exec', code);
    this.evaluating = true;
    try {
      const value = this.board.evaluate(code);
      if (!quiet && this.echo) this.send('=' + formatResult(value).replace(/\n/g, '\r\n') + '\r\n');
    } catch (error) {
      // The sim's DeviceException carries Espruino's own wording in `text`.
      const text = (error as { text?: unknown }).text;
      this.send((typeof text === 'string' ? text : 'Uncaught ' + describeThrown(error)).replace(/\r?\n/g, '\r\n') + '\r\n');
    } finally {
      this.evaluating = false;
    }
  }
}

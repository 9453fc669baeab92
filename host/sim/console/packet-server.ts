/**
 * The board's side of the packet protocol: what Espruino 2v25+ does with a whole packet.
 * EVAL runs code and answers with a RESPONSE holding the JSON of the result; EVENT emits
 * E.on("packet"); FILE_SEND opens a Storage file that DATA packets fill; FILE_RECV streams a file
 * back as DATA packets ending with an empty one. Every received packet is answered by ACK or NAK.
 */
import { ACK, FILE_GAP_TIMEOUT_MS, NAK, PacketType, encodePacket } from '../../link/packets.ts';
import type { ConsoleBoard } from './board.ts';

interface Io {
  send(bytes: Buffer): void;
  print(text: string): void;
}

interface OpenFile {
  name: string;
  size: number;
  offset: number;
  gapTimer: NodeJS.Timeout;
}

/** Chunk size used when the board streams a file back (FILE_RECV). */
const RECV_CHUNK = 1024;

export class PacketServer {
  private file: OpenFile | undefined;

  constructor(
    private readonly board: ConsoleBoard,
    private readonly io: Io,
  ) {}

  abortFile(): void {
    if (this.file) clearTimeout(this.file.gapTimer);
    this.file = undefined;
  }

  private ack(): void {
    this.io.send(Buffer.from([ACK]));
  }

  private nak(): void {
    this.io.send(Buffer.from([NAK]));
  }

  handle(type: number, data: Buffer): void {
    switch (type) {
      case PacketType.EVAL:
        return this.evalPacket(data);
      case PacketType.EVENT:
        return this.eventPacket(data);
      case PacketType.FILE_SEND:
        return this.fileSend(data);
      case PacketType.DATA:
        return this.dataPacket(data);
      case PacketType.FILE_RECV:
        return this.fileRecv(data);
      default:
        // RESPONSE (or an unknown type) is never sent to a board.
        return this.nak();
    }
  }

  private evalPacket(data: Buffer): void {
    this.ack();
    let json = 'undefined';
    try {
      const value = this.board.evaluate(data.toString('latin1'));
      const text = value === undefined ? undefined : JSON.stringify(value);
      json = text === undefined ? 'undefined' : text;
    } catch (error) {
      const message = error && typeof error === 'object' && 'message' in error ? String((error as Error).message) : String(error);
      this.io.print('Uncaught Error: ' + message);
    }
    this.sendChunked(PacketType.RESPONSE, Buffer.from(json, 'latin1'));
  }

  private sendChunked(type: number, body: Buffer): void {
    // A response longer than one packet is cut into several of the same type (rare: big results).
    for (let offset = 0; offset < body.length || offset === 0; offset += 8191) {
      this.io.send(encodePacket(type, body.subarray(offset, offset + 8191)));
      if (body.length === 0) break;
    }
  }

  private eventPacket(data: Buffer): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString('latin1'));
    } catch {
      return this.nak();
    }
    this.ack();
    try {
      this.board.evaluate(`E.emit("packet", ${JSON.stringify(parsed)})`);
    } catch (error) {
      this.io.print('Uncaught Error: ' + String((error as Error)?.message ?? error));
    }
  }

  private fileSend(data: Buffer): void {
    let header: { fn?: unknown; s?: unknown; c?: unknown; fs?: unknown };
    try {
      header = JSON.parse(data.toString('latin1'));
    } catch {
      return this.nak();
    }
    const name = header.fn;
    const size = header.s;
    // No heatshrink and no SD card on this board: refuse rather than store garbage.
    if (typeof name !== 'string' || name.length === 0 || name.length > 28 || typeof size !== 'number' || !Number.isInteger(size) || size < 0 || header.c || header.fs) return this.nak();
    if (size > this.board.storageFree()) return this.nak();
    this.abortFile();
    if (size === 0) {
      try {
        this.board.writeFile(name, Buffer.alloc(0), 0, 0);
      } catch {
        return this.nak();
      }
      return this.ack();
    }
    this.file = { name, size, offset: 0, gapTimer: this.gapTimer() };
    this.ack();
  }

  private gapTimer(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      // Over 10 s without DATA: the transfer is abandoned, the partial file stays incomplete.
      this.file = undefined;
    }, FILE_GAP_TIMEOUT_MS);
    timer.unref();
    return timer;
  }

  private dataPacket(data: Buffer): void {
    const file = this.file;
    if (!file || data.length === 0 || file.offset + data.length > file.size) return this.nak();
    clearTimeout(file.gapTimer);
    try {
      this.board.writeFile(file.name, data, file.offset, file.size);
    } catch {
      this.abortFile();
      return this.nak();
    }
    file.offset += data.length;
    if (file.offset === file.size) this.file = undefined;
    else file.gapTimer = this.gapTimer();
    this.ack();
  }

  private fileRecv(data: Buffer): void {
    let header: { fn?: unknown };
    try {
      header = JSON.parse(data.toString('latin1'));
    } catch {
      return this.nak();
    }
    if (typeof header.fn !== 'string') return this.nak();
    this.ack();
    const content = this.board.readFile(header.fn) ?? Buffer.alloc(0);
    for (let offset = 0; offset < content.length; offset += RECV_CHUNK) {
      this.io.send(encodePacket(PacketType.DATA, content.subarray(offset, offset + RECV_CHUNK)));
    }
    this.io.send(encodePacket(PacketType.DATA));
  }
}

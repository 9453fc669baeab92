/**
 * A small emulation of the ESP32 ROM serial loader, enough to exercise `spruce flash --firmware`
 * without a chip: SLIP framing, SYNC, READ_REG (chip detection by magic value), SPI_ATTACH,
 * SPI_SET_PARAMS, CHANGE_BAUDRATE, FLASH_BEGIN/DATA/END with the ROM's checksum and sequence
 * checks, SPI_FLASH_MD5 (the ROM answers 32 hex characters), and "invalid command" for the rest
 * (GET_SECURITY_INFO included: the original ESP32 ROM does not have it). Out of download mode it
 * behaves like a running Espruino: it ignores the loader protocol and prints text.
 * A real export (DESIGN.md principle 3), used by the tests.
 */
import { createHash } from 'node:crypto';

const SLIP_END = 0xc0;
const SLIP_ESC = 0xdb;
export const ESP32_MAGIC = 0x00f01d83;
const MAGIC_REG = 0x40001000;

export const Op = { FLASH_BEGIN: 0x02, FLASH_DATA: 0x03, FLASH_END: 0x04, SYNC: 0x08, READ_REG: 0x0a, SPI_SET_PARAMS: 0x0b, SPI_ATTACH: 0x0d, CHANGE_BAUDRATE: 0x0f, SPI_FLASH_MD5: 0x13 } as const;

/** ROM error codes (second status byte). */
const INVALID_MESSAGE = 0x05;
const BAD_CHECKSUM = 0x07;
const BAD_SEQUENCE = 0x09;

export function slipEncode(packet: Uint8Array): Buffer {
  const out: number[] = [SLIP_END];
  for (const byte of packet) {
    if (byte === SLIP_END) out.push(SLIP_ESC, 0xdc);
    else if (byte === SLIP_ESC) out.push(SLIP_ESC, 0xdd);
    else out.push(byte);
  }
  out.push(SLIP_END);
  return Buffer.from(out);
}

/** The ROM's data checksum: 0xEF XOR every byte. */
export function romChecksum(data: Uint8Array): number {
  let sum = 0xef;
  for (const byte of data) sum ^= byte;
  return sum;
}

export class RomEmulator {
  /** 4 MB of flash, erased. */
  readonly flash = Buffer.alloc(4 * 1024 * 1024, 0xff);
  downloadMode = true;
  baud = 115200;
  readonly commands: number[] = [];
  /** Pretend a FLASH_DATA block arrives corrupted (test of the checksum path). */
  corruptNextBlock = false;
  private frame: number[] | undefined;
  private escaped = false;
  private write: { offset: number; blockSize: number; blocks: number; nextSeq: number } | undefined;

  constructor(private readonly send: (bytes: Buffer) => void) {}

  receive(chunk: Uint8Array): void {
    if (!this.downloadMode) {
      // An app is running: the loader protocol means nothing to it.
      if (chunk.includes(0x0d) || chunk.includes(0x0a)) this.send(Buffer.from('\r\n>'));
      return;
    }
    for (const byte of chunk) {
      if (byte === SLIP_END) {
        if (this.frame && this.frame.length > 0) this.handle(Buffer.from(this.frame));
        this.frame = [];
        continue;
      }
      if (!this.frame) continue;
      if (this.escaped) {
        this.frame.push(byte === 0xdc ? SLIP_END : byte === 0xdd ? SLIP_ESC : byte);
        this.escaped = false;
      } else if (byte === SLIP_ESC) this.escaped = true;
      else this.frame.push(byte);
    }
  }

  private reply(op: number, value: number, data: Uint8Array = new Uint8Array(0), status = 0, error = 0): void {
    const body = Buffer.concat([Buffer.from(data), Buffer.from([status, error, 0, 0])]);
    const header = Buffer.alloc(8);
    header[0] = 0x01;
    header[1] = op;
    header.writeUInt16LE(body.length, 2);
    header.writeUInt32LE(value >>> 0, 4);
    this.send(slipEncode(Buffer.concat([header, body])));
  }

  private handle(packet: Buffer): void {
    if (packet.length < 8 || packet[0] !== 0x00) return;
    const op = packet[1]!;
    const length = packet.readUInt16LE(2);
    const checksum = packet.readUInt32LE(4);
    const data = packet.subarray(8, 8 + length);
    this.commands.push(op);
    const word = (i: number) => data.readUInt32LE(i * 4);
    switch (op) {
      case Op.SYNC:
        // The ROM answers a SYNC eight times.
        for (let i = 0; i < 8; i++) this.reply(op, 0x20120707);
        return;
      case Op.READ_REG:
        return this.reply(op, word(0) === MAGIC_REG ? ESP32_MAGIC : 0);
      case Op.SPI_ATTACH:
      case Op.SPI_SET_PARAMS:
        return this.reply(op, 0);
      case Op.CHANGE_BAUDRATE:
        this.reply(op, 0);
        this.baud = word(0);
        return;
      case Op.FLASH_BEGIN: {
        const [eraseSize, blocks, blockSize, offset] = [word(0), word(1), word(2), word(3)];
        if (offset + eraseSize > this.flash.length || blockSize === 0) return this.reply(op, 0, undefined, 1, INVALID_MESSAGE);
        this.flash.fill(0xff, offset, offset + eraseSize);
        this.write = { offset, blockSize, blocks, nextSeq: 0 };
        return this.reply(op, 0);
      }
      case Op.FLASH_DATA: {
        const write = this.write;
        const size = word(0);
        const seq = word(1);
        const payload = data.subarray(16, 16 + size);
        if (!write || seq !== write.nextSeq) return this.reply(op, 0, undefined, 1, BAD_SEQUENCE);
        if (this.corruptNextBlock || romChecksum(payload) !== checksum) {
          this.corruptNextBlock = false;
          return this.reply(op, 0, undefined, 1, BAD_CHECKSUM);
        }
        payload.copy(this.flash, write.offset + seq * write.blockSize);
        write.nextSeq++;
        return this.reply(op, 0);
      }
      case Op.FLASH_END:
        this.reply(op, 0);
        this.write = undefined;
        // 0 = reboot into the application.
        if (word(0) === 0) {
          this.downloadMode = false;
          this.send(Buffer.from('ets Jun  8 2016 00:22:57\r\n\r\nrst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n'));
        }
        return;
      case Op.SPI_FLASH_MD5: {
        const [address, size] = [word(0), word(1)];
        const md5 = createHash('md5').update(this.flash.subarray(address, address + size)).digest('hex');
        return this.reply(op, 0, Buffer.from(md5, 'latin1'));
      }
      default:
        // What the ROM does with a command it does not know.
        return this.reply(0x00, 0, undefined, 1, INVALID_MESSAGE);
    }
  }
}

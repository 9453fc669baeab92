/**
 * Espruino's StorageFile (require("Storage").open(name, mode)): an appendable text file kept
 * as fixed-size chunk files named name + "\x01", name + "\x02", ... Each chunk is created all
 * 0xFF and filled in place, so the file's length is where the first 0xFF byte is, and the byte
 * 0xFF cannot be stored. Appends never rewrite earlier bytes, which is what makes a log in
 * flash cheap and safe against power loss.
 */
import { FILE_HEADER_BYTES, FlashStorage, MAX_NAME_LENGTH, StorageError } from './storage.ts';

export type StorageFileMode = 'r' | 'w' | 'a';

export function chunkName(name: string, chunk: number): string {
  return name + String.fromCharCode(chunk);
}

export class StorageFileHandle {
  private readonly chunkSize: number;
  /** Read position: chunk number (1-based) and offset in it. */
  private readChunk = 1;
  private readOffset = 0;
  /** Append position. */
  private writeChunk = 1;
  private writeOffset = 0;

  constructor(private readonly flash: FlashStorage, readonly name: string, readonly mode: StorageFileMode) {
    if (typeof name !== 'string' || name.length === 0) throw new StorageError('Invalid filename');
    if (name.length > MAX_NAME_LENGTH - 1) throw new StorageError(`StorageFile name too long (max ${MAX_NAME_LENGTH - 1} chars)`);
    if (mode !== 'r' && mode !== 'w' && mode !== 'a') throw new StorageError("Invalid mode - must be 'r', 'w' or 'a'");
    this.chunkSize = flash.pageBytes - FILE_HEADER_BYTES;
    if (mode === 'w') this.erase();
    if (mode !== 'r') this.seekEnd();
  }

  /** Length of the used part of a chunk (up to its first 0xFF), or -1 if the chunk is absent. */
  private usedIn(chunk: number): number {
    const bytes = this.flash.read(chunkName(this.name, chunk));
    if (!bytes) return -1;
    const end = bytes.indexOf(0xff);
    return end === -1 ? bytes.length : end;
  }

  private seekEnd(): void {
    let chunk = 1;
    for (;;) {
      const used = this.usedIn(chunk);
      if (used === -1) {
        this.writeChunk = chunk;
        this.writeOffset = 0;
        return;
      }
      if (used < this.chunkSize || this.usedIn(chunk + 1) === -1) {
        this.writeChunk = chunk;
        this.writeOffset = used;
        return;
      }
      chunk++;
    }
  }

  getLength(): number {
    let total = 0;
    for (let chunk = 1; chunk < 256; chunk++) {
      const used = this.usedIn(chunk);
      if (used === -1) break;
      total += used;
      if (used < this.chunkSize) break;
    }
    return total;
  }

  write(data: Uint8Array): void {
    if (this.mode === 'r') throw new StorageError("Can't write in read mode");
    if (data.includes(0xff)) throw new StorageError("Can't write character code 255 to a StorageFile");
    let pos = 0;
    while (pos < data.length) {
      if (this.writeOffset >= this.chunkSize) {
        this.writeChunk++;
        this.writeOffset = 0;
      }
      if (this.writeChunk > 255) throw new StorageError('StorageFile too big');
      const name = chunkName(this.name, this.writeChunk);
      const take = Math.min(this.chunkSize - this.writeOffset, data.length - pos);
      const part = data.subarray(pos, pos + take);
      if (this.writeOffset === 0 && !this.flash.exists(name)) {
        // A new chunk: create it full-size (0xFF) with the first bytes written.
        this.flash.write(name, part, 0, this.chunkSize);
      } else {
        this.flash.write(name, part, this.writeOffset);
      }
      this.writeOffset += take;
      pos += take;
    }
  }

  /** Reads up to `length` bytes from the read position; undefined at the end. */
  read(length: number): Uint8Array | undefined {
    const out: number[] = [];
    while (out.length < length) {
      const bytes = this.flash.read(chunkName(this.name, this.readChunk));
      if (!bytes) break;
      let i = this.readOffset;
      while (i < bytes.length && bytes[i] !== 0xff && out.length < length) out.push(bytes[i++]!);
      this.readOffset = i;
      if (out.length >= length) break;
      if (i < bytes.length) break; // hit 0xFF: end of data
      this.readChunk++;
      this.readOffset = 0;
    }
    return out.length === 0 ? undefined : Uint8Array.from(out);
  }

  /** Reads to and including the next "\n" (or to the end); undefined at the end. */
  readLine(): Uint8Array | undefined {
    const out: number[] = [];
    for (;;) {
      const bytes = this.flash.read(chunkName(this.name, this.readChunk));
      if (!bytes) break;
      let i = this.readOffset;
      let done = false;
      while (i < bytes.length && bytes[i] !== 0xff) {
        const b = bytes[i++]!;
        out.push(b);
        if (b === 0x0a) { done = true; break; }
      }
      this.readOffset = i;
      if (done) break;
      if (i < bytes.length) break; // 0xFF reached: end of file
      this.readChunk++;
      this.readOffset = 0;
    }
    return out.length === 0 ? undefined : Uint8Array.from(out);
  }

  /** Erases every chunk of the file. */
  erase(): void {
    for (let chunk = 1; chunk < 256; chunk++) {
      const name = chunkName(this.name, chunk);
      if (!this.flash.exists(name)) break;
      this.flash.erase(name);
    }
    this.readChunk = 1;
    this.readOffset = 0;
    this.writeChunk = 1;
    this.writeOffset = 0;
  }
}

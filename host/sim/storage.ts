/**
 * The virtual board's flash Storage: Espruino's file system semantics (jsfWriteFile in 2v29),
 * optionally backed by a file on the host so Storage survives a killed process.
 *
 * Modelled on the device (ESPRUINO.md section 3):
 * - write(name, data, offset, size) creates a FIXED-SIZE file whose unwritten bytes are 0xFF;
 *   a later write with an offset may only fill bytes that are still 0xFF ("File already written
 *   with different data"), and may not pass the end ("Too much data for file size").
 * - Journaling: replacing or erasing a file leaves its old copy in flash as trash that keeps
 *   using space until compact() (or until flash is full, when the device compacts by itself).
 * - Power loss: failAfterBytes(n) makes the next writes stop after n more bytes have been
 *   programmed and throws PowerLoss, so firmware can be tested against torn writes at every
 *   byte offset.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SpruceError } from '../errors.ts';

/** Bytes of header each file costs in flash (4-byte size + 28-byte name in 2v29). */
export const FILE_HEADER_BYTES = 32;
/** Longest file name Espruino 2v29 stores. */
export const MAX_NAME_LENGTH = 28;
/** Flash write granularity on ESP32: file sizes are rounded up to it. */
const ALIGNMENT = 4;

/** An error the device would raise as a JS exception (message as on the device). */
export class StorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageError';
  }
}

/** Thrown when a write is cut by failAfterBytes: the board has lost power. */
export class PowerLoss extends Error {
  constructor(readonly file: string, readonly bytesWritten: number) {
    super(`power lost while writing "${file}" after ${bytesWritten} byte(s)`);
    this.name = 'PowerLoss';
  }
}

export interface StorageStats {
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
  totalBytes: number;
  freeBytes: number;
}

export interface FlashStorageOptions {
  capacityBytes: number;
  /** Flash page size, used for StorageFile chunk size. */
  pageBytes?: number;
  /** Host file that keeps the flash contents; absent = in memory only. */
  path?: string;
}

const FORMAT = 'spruce-sim-storage/1';

interface PersistedStorage {
  format: string;
  trashBytes: number;
  trashCount: number;
  files: [string, string][];
}

function recordBytes(size: number): number {
  return FILE_HEADER_BYTES + Math.ceil(size / ALIGNMENT) * ALIGNMENT;
}

function isErased(bytes: Uint8Array, start: number, length: number): boolean {
  for (let i = start; i < start + length; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class FlashStorage {
  readonly capacityBytes: number;
  readonly pageBytes: number;
  readonly path: string | undefined;
  /** Live files in flash order (a rewritten file moves to the end, as on the device). */
  private files = new Map<string, Uint8Array>();
  private trashBytes = 0;
  private trashCount = 0;
  /** Bytes that may still be programmed before the power is cut; undefined = no cut armed. */
  private powerBudget: number | undefined;
  /** Bumped on every change so callers can cache per content (e.g. compiled boot code). */
  generation = 0;

  constructor(options: FlashStorageOptions) {
    this.capacityBytes = options.capacityBytes;
    this.pageBytes = options.pageBytes ?? 4096;
    this.path = options.path;
    if (this.path && existsSync(this.path)) this.load(this.path);
  }

  // ---- reading -------------------------------------------------------------------------

  /** The file's bytes (a copy), or undefined if it does not exist. */
  read(name: string, offset = 0, length?: number): Uint8Array | undefined {
    const data = this.files.get(name);
    if (!data) return undefined;
    const start = Math.max(0, Math.min(data.length, Math.trunc(offset) || 0));
    const end = length === undefined ? data.length : Math.min(data.length, start + Math.max(0, Math.trunc(length)));
    return data.slice(start, end);
  }

  /** The file as an 8-bit string (what Storage.read returns on the device). */
  readString(name: string, offset?: number, length?: number): string | undefined {
    const bytes = this.read(name, offset, length);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  sizeOf(name: string): number | undefined {
    return this.files.get(name)?.length;
  }

  /** Names in flash order. */
  list(): string[] {
    return [...this.files.keys()];
  }

  getStats(): StorageStats {
    let fileBytes = 0;
    for (const data of this.files.values()) fileBytes += recordBytes(data.length);
    const used = fileBytes + this.trashBytes;
    return {
      fileBytes,
      fileCount: this.files.size,
      trashBytes: this.trashBytes,
      trashCount: this.trashCount,
      totalBytes: this.capacityBytes,
      freeBytes: Math.max(0, this.capacityBytes - used),
    };
  }

  getFree(): number {
    return this.getStats().freeBytes;
  }

  // ---- writing -------------------------------------------------------------------------

  /**
   * Espruino's Storage.write. Returns false where the device returns false (negative offset or
   * size, empty data), throws StorageError where the device throws.
   */
  write(name: string, data: Uint8Array, offset = 0, size = 0): boolean {
    this.checkName(name);
    offset = Math.trunc(offset) || 0;
    size = Math.trunc(size) || 0;
    if (offset < 0 || size < 0) return false;
    if (data.length === 0) return false;
    if (size === 0) size = data.length;
    let file = this.files.get(name);
    if ((!file && offset === 0) || (file && offset === 0 && (size !== file.length || !isErased(file, 0, size)))) {
      if (file && size === file.length && data.length === size && sameBytes(file, data)) return true; // unchanged
      if (file) this.trash(name);
      file = this.create(name, size);
    }
    if (!file) throw new StorageError('Unable to find or create file');
    if (offset + data.length > file.length) throw new StorageError('Too much data for file size');
    if (!isErased(file, offset, data.length)) throw new StorageError('File already written with different data');
    this.program(name, file, offset, data);
    return true;
  }

  erase(name: string): void {
    if (this.files.has(name)) {
      this.trash(name);
      this.changed();
    }
  }

  /** Erases every file and the trash (Storage.eraseAll). */
  eraseAll(): void {
    this.files.clear();
    this.trashBytes = 0;
    this.trashCount = 0;
    this.changed();
  }

  /** Reclaims the space of erased and replaced files. */
  compact(): void {
    if (this.trashBytes === 0 && this.trashCount === 0) return;
    this.trashBytes = 0;
    this.trashCount = 0;
    this.changed();
  }

  /**
   * Arms a power cut: after `bytes` more bytes have been programmed, the write in progress stops
   * (what was programmed stays) and PowerLoss is thrown. Pass undefined to disarm.
   */
  failAfterBytes(bytes: number | undefined): void {
    this.powerBudget = bytes === undefined ? undefined : Math.max(0, Math.trunc(bytes));
  }

  /** Bytes the armed power cut still allows; undefined when none is armed. */
  get powerBudgetRemaining(): number | undefined {
    return this.powerBudget;
  }

  // ---- internals -----------------------------------------------------------------------

  private checkName(name: string): void {
    if (typeof name !== 'string' || name.length === 0) throw new StorageError('Invalid filename');
    if (name.length > MAX_NAME_LENGTH) throw new StorageError(`File name too long (max ${MAX_NAME_LENGTH} chars)`);
  }

  private trash(name: string): void {
    const old = this.files.get(name);
    if (!old) return;
    this.files.delete(name);
    this.trashBytes += recordBytes(old.length);
    this.trashCount++;
  }

  /** Creates an all-0xFF file, compacting first if flash is full (as the device does). */
  private create(name: string, size: number): Uint8Array | undefined {
    const need = recordBytes(size);
    if (this.getFree() < need && this.trashBytes > 0) {
      this.trashBytes = 0;
      this.trashCount = 0;
    }
    if (this.getFree() < need) return undefined;
    const file = new Uint8Array(size).fill(0xff);
    this.files.set(name, file);
    return file;
  }

  /** Programs bytes, honouring an armed power cut, then persists. */
  private program(name: string, file: Uint8Array, offset: number, data: Uint8Array): void {
    let count = data.length;
    const cut = this.powerBudget !== undefined && this.powerBudget < count;
    if (this.powerBudget !== undefined) {
      count = Math.min(count, this.powerBudget);
      this.powerBudget -= count;
    }
    // Flash programming can only clear bits (1 -> 0); the target bytes are erased here.
    for (let i = 0; i < count; i++) file[offset + i] = file[offset + i]! & data[i]!;
    this.changed();
    if (cut) {
      this.powerBudget = undefined;
      throw new PowerLoss(name, count);
    }
  }

  private changed(): void {
    this.generation++;
    if (this.path) this.persist(this.path);
  }

  /** Writes the whole flash image atomically (temp file + rename). */
  private persist(path: string): void {
    const image: PersistedStorage = {
      format: FORMAT,
      trashBytes: this.trashBytes,
      trashCount: this.trashCount,
      files: [...this.files].map(([name, data]) => [name, Buffer.from(data).toString('base64')]),
    };
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(image));
    renameSync(temp, path);
  }

  private load(path: string): void {
    let image: PersistedStorage;
    try {
      image = JSON.parse(readFileSync(path, 'utf8')) as PersistedStorage;
    } catch (error) {
      throw new SpruceError('E_SIM_STORAGE', `virtual Storage file ${path} is not readable JSON (${(error as Error).message})`, {
        hint: 'delete the file to start with empty Storage, or pass another --storage path',
        exit: 'BAD_INPUT',
      });
    }
    if (image.format !== FORMAT || !Array.isArray(image.files)) {
      throw new SpruceError('E_SIM_STORAGE', `${path} is not a spruce virtual Storage image (format ${String(image.format)})`, {
        hint: 'delete the file to start with empty Storage, or pass another --storage path',
        exit: 'BAD_INPUT',
      });
    }
    this.files = new Map(image.files.map(([name, base64]) => [name, new Uint8Array(Buffer.from(base64, 'base64'))]));
    this.trashBytes = image.trashBytes ?? 0;
    this.trashCount = image.trashCount ?? 0;
  }
}

/** Converts what firmware may pass as file data into bytes the way Espruino does. */
export function bytesOf(data: unknown): Uint8Array {
  if (typeof data === 'string') {
    // Device strings are 8-bit: characters above 0xFF come from UTF-8 source, so store UTF-8.
    let wide = false;
    for (let i = 0; i < data.length; i++) if (data.charCodeAt(i) > 0xff) { wide = true; break; }
    return new Uint8Array(Buffer.from(data, wide ? 'utf8' : 'latin1'));
  }
  if (ArrayBuffer.isView(data)) {
    const view = data as ArrayBufferView & ArrayLike<number>;
    // Copied through a host-realm view: the sandbox deletes ArrayBuffer.prototype.slice
    // (Espruino lacks it), so firmware's buffers have no .slice to call.
    // Typed arrays and DataViews alike: their raw bytes are written.
    return new Uint8Array(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(new Uint8Array(data as ArrayBuffer));
  if (Array.isArray(data)) return Uint8Array.from(data, (v) => Number(v) & 0xff);
  if (data === undefined || data === null) return new Uint8Array(0);
  // A number is iterated as one byte (jsvIterateCallback), not printed.
  if (typeof data === 'number') return new Uint8Array([data & 0xff]);
  return new Uint8Array(Buffer.from(String(data), 'latin1'));
}

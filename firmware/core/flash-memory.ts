/**
 * An in-memory Flash with Espruino's write semantics and a power-cut hook: a fake shipped as a
 * real export (DESIGN.md principle 3) for unit tests of the persistence code.
 *
 * Every operation is a sequence of steps: erasing a file's old copy (1), writing a new file's
 * header (1), then one step per data byte. cutAfter(n) lets n more steps happen and then "cuts
 * the power": the step throws PowerCut and the flash refuses everything until powerOn(), leaving
 * exactly what a real cut at that point leaves (no file, a header with 0xFF data, or a torn tail).
 */
import type { Flash } from './flash';

export interface PowerCut {
  code: 'E_POWER_CUT';
  message: string;
}

export function isPowerCut(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as PowerCut).code === 'E_POWER_CUT';
}

interface MemoryFile {
  bytes: number[];
}

function erased(file: MemoryFile, start: number, length: number): boolean {
  for (var i = start; i < start + length; i++) if (file.bytes[i] !== 255) return false;
  return true;
}

export class MemoryFlash implements Flash {
  files: { [name: string]: MemoryFile } = {};
  /** Steps left before the power goes; -1 = never. */
  private budget = -1;
  private off = false;
  /**
   * Wear figures: journal bytes = new flash space taken by created files (header counted as 32
   * bytes, like Espruino's), reclaimed only by compact(); in-place bytes = unwritten bytes of
   * fixed-size files filled later (no new space); erases = files erased.
   */
  bytesWritten = 0;
  inPlaceBytes = 0;
  erases = 0;

  /** An independent copy of the flash contents (power state and counters reset). */
  clone(): MemoryFlash {
    var copy = new MemoryFlash();
    var names = Object.keys(this.files);
    for (var i = 0; i < names.length; i++) copy.files[names[i]] = { bytes: this.files[names[i]].bytes.slice() };
    return copy;
  }

  cutAfter(steps: number): void {
    this.budget = steps;
  }

  powerOn(): void {
    this.off = false;
    this.budget = -1;
  }

  get isOff(): boolean {
    return this.off;
  }

  private step(): void {
    if (this.off) throw { code: 'E_POWER_CUT', message: 'the flash is powered off' } as PowerCut;
    if (this.budget === 0) {
      this.off = true;
      throw { code: 'E_POWER_CUT', message: 'power cut during a flash write' } as PowerCut;
    }
    if (this.budget > 0) this.budget--;
  }

  read(name: string): string | undefined {
    if (this.off) throw { code: 'E_POWER_CUT', message: 'the flash is powered off' } as PowerCut;
    var file = this.files[name];
    if (!file) return undefined;
    var out = '';
    for (var i = 0; i < file.bytes.length; i++) out += String.fromCharCode(file.bytes[i]);
    return out;
  }

  /**
   * Espruino 2v29's rule (as host/sim/storage.ts models it): at offset 0, an existing file of the
   * requested size whose bytes are all unwritten is filled in place; otherwise the old copy is
   * erased and a new all-0xFF file of `size` (default: the data length) is created. At another
   * offset only unwritten bytes of an existing file may be filled.
   */
  write(name: string, data: string, offset?: number, size?: number): boolean {
    var at = offset || 0;
    var total = size || data.length;
    var existing = this.files[name];
    if (at === 0 && (!existing || total !== existing.bytes.length || !erased(existing, 0, total))) {
      if (existing) this.erase(name);
      this.step();
      var bytes: number[] = [];
      for (var i = 0; i < total; i++) bytes.push(255);
      existing = this.files[name] = { bytes: bytes };
      this.bytesWritten += 32 + total;
    } else {
      this.inPlaceBytes += data.length;
    }
    if (!existing) throw new Error('MemoryFlash: Unable to find or create file ' + name);
    if (at + data.length > existing.bytes.length) throw new Error('MemoryFlash: Too much data for file size: ' + name);
    if (!erased(existing, at, data.length)) throw new Error('MemoryFlash: File already written with different data: ' + name);
    this.fill(existing, data, at);
    return true;
  }

  private fill(file: MemoryFile, data: string, offset: number): void {
    for (var i = 0; i < data.length; i++) {
      this.step();
      file.bytes[offset + i] = data.charCodeAt(i) & 255;
    }
  }

  erase(name: string): void {
    if (!this.files[name]) {
      if (this.off) this.step();
      return;
    }
    this.step();
    delete this.files[name];
    this.erases++;
  }

  list(): string[] {
    if (this.off) throw { code: 'E_POWER_CUT', message: 'the flash is powered off' } as PowerCut;
    return Object.keys(this.files);
  }
}

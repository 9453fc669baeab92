/**
 * The small slice of Espruino's require("Storage") that the core's persistence code uses.
 * The device passes Storage itself (firmware/hal/storage.ts); tests pass MemoryFlash
 * (firmware/core/flash-memory.ts) or the virtual board's Storage.
 *
 * Semantics the core relies on (Espruino's flash filesystem, ESPRUINO.md section 3):
 * - write(name, data) replaces a file: the old copy is erased, then the new one is written, so a
 *   power cut can leave NO file or a torn one (the tail reads as 0xFF). Never rely on it being atomic.
 * - write(name, data, 0, size) creates a fixed-size file whose unwritten bytes read 0xFF;
 *   write(name, data, offset) then fills unwritten bytes in place (no copy, no new flash used).
 * - read returns the whole file as an 8-bit string, or undefined when there is no such file.
 */
export interface Flash {
  read(name: string): string | undefined;
  write(name: string, data: string, offset?: number, size?: number): boolean;
  erase(name: string): void;
  list(): string[];
}

/** What unwritten flash reads as. */
export var ERASED = '\xff';

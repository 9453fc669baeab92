/**
 * Model files on the board: a LUT model is a Storage file mapped straight from flash with
 * readArrayBuffer (its tables cost no RAM), and inference and the file check run on Espruino's
 * native helpers (E: mapInPlace, sum, CRC32). Returns null off the board (host code importing an
 * app module), so callers can fall back. E is reached through `global` so that host code
 * type-checking an app still compiles.
 */
import type { ModelEnvironment } from '../core/lut/runtime';

export type { ModelEnvironment };

export function deviceModelEnvironment(): ModelEnvironment | null {
  var natives = (global as { [name: string]: any })['E'];
  return natives
    ? {
        natives: natives,
        read: function (name: string): ArrayBuffer | undefined {
          return require('Storage').readArrayBuffer(name);
        },
      }
    : null;
}

/**
 * Model files on the board: a LUT model is a Storage file mapped straight from flash with
 * readArrayBuffer (its tables cost no RAM), and inference runs on Espruino's native helpers (E).
 * Returns null off the board (host code importing an app module), so callers can fall back.
 */
import type { Natives } from '../core/features/natives';

export interface ModelEnvironment {
  natives: Natives;
  /** The file's bytes mapped from flash, or undefined when the file is not in Storage. */
  read(name: string): ArrayBuffer | undefined;
}

export function deviceModelEnvironment(): ModelEnvironment | null {
  if (typeof E === 'undefined') return null;
  var storage = require('Storage');
  return {
    natives: E,
    read: function (name: string): ArrayBuffer | undefined {
      return storage.readArrayBuffer(name);
    },
  };
}

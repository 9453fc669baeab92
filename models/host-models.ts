/**
 * The host's stand-in for a board's model environment: Espruino's natives reproduced exactly
 * (hostNatives, plus E.CRC32 for the model-file check) and the model files an app lists in its
 * app.json, read from the project. Host code that runs an app's classifier (tests, tools) passes
 * this to the app, e.g.
 *   useModelEnvironment(hostModelEnvironment('occupancy'))   // firmware/apps/occupancy/classifier.ts
 */
import { readFileSync } from 'node:fs';
import { hostNatives } from '../host/espruino/natives.ts';
import { loadApp } from '../host/build/apps.ts';
import { storageFilePath } from '../host/build/apps.ts';
import type { ModelEnvironment } from '../firmware/core/lut/runtime.ts';
import { crc32 } from './lut/encode.ts';

/** hostNatives with E.CRC32 (over an ArrayBuffer's bytes, as the board computes it). */
export const hostModelNatives: ModelEnvironment['natives'] = {
  ...hostNatives,
  CRC32: (data: ArrayBuffer) => crc32(new Uint8Array(data)),
};

export function hostModelEnvironment(app: string): ModelEnvironment {
  const storage = loadApp(app).manifest.storage;
  return {
    natives: hostModelNatives,
    read(name: string): ArrayBuffer | undefined {
      const path = storage[name];
      if (path === undefined) return undefined;
      const bytes = readFileSync(storageFilePath(path));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    },
  };
}

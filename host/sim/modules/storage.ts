/**
 * require("Storage") on the virtual board: the firmware-facing face of FlashStorage and
 * StorageFileHandle, with Espruino's argument handling and return values (8-bit strings,
 * ArrayBuffers of the sandbox realm, exceptions as the sandbox's Error objects).
 *
 * A power cut armed with storage.failAfterBytes(n) halts the whole board when it strikes, even
 * if the firmware catches the exception: the chip is off.
 */
import { BoardHalt, type ModuleContext } from '../port.ts';
import { StorageFileHandle, type StorageFileMode } from '../storage-file.ts';
import { bytesOf, PowerLoss, StorageError } from '../storage.ts';

function latin1(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
}

/** Matches a file name against list()'s filter: a RegExp of any realm, or a string. */
function matches(name: string, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (Object.prototype.toString.call(filter) === '[object RegExp]') {
    const re = filter as RegExp;
    re.lastIndex = 0;
    return re.test(name);
  }
  return name.includes(String(filter));
}

export function createStorageModule(ctx: ModuleContext): unknown {
  const { realm, session, board } = ctx;
  const flash = board.storage;

  /** Runs a flash operation: device exceptions become sandbox errors, a power cut halts the board. */
  const op = <A extends unknown[], R>(fn: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      session.guard();
      try {
        return fn.apply(this, args);
      } catch (error) {
        if (error instanceof PowerLoss) {
          board.powerLost(error);
          throw new BoardHalt('powerloss');
        }
        if (error instanceof StorageError) throw session.error(error.message);
        throw error;
      }
    };
  const nameOf = (name: unknown): string => String(name);

  const storage = new realm.Object() as Record<string, unknown>;
  storage.read = op((name: unknown, offset?: unknown, length?: unknown) =>
    latin1(flash.read(nameOf(name), Number(offset ?? 0), length === undefined ? undefined : Number(length))));
  storage.readArrayBuffer = op((name: unknown) => {
    const bytes = flash.read(nameOf(name));
    // Memory-mapped on the device: no RAM used (the memory estimate counts it as a buffer).
    return bytes === undefined ? undefined : new realm.Uint8Array(bytes).buffer;
  });
  storage.readJSON = op((name: unknown, noExceptions?: unknown) => {
    const text = latin1(flash.read(nameOf(name)));
    if (text === undefined) return undefined;
    try {
      return realm.JSON.parse(text);
    } catch (error) {
      if (noExceptions) return undefined;
      throw error;
    }
  });
  storage.write = op((name: unknown, data: unknown, offset?: unknown, size?: unknown) => {
    const bytes = bytesOf(data);
    board.clock.advanceBy(board.costs.flashWriteMsPerKb * (bytes.length / 1024));
    return flash.write(nameOf(name), bytes, Number(offset ?? 0), Number(size ?? 0));
  });
  storage.writeJSON = op((name: unknown, data: unknown) => {
    const text = realm.JSON.stringify(data);
    return flash.write(nameOf(name), bytesOf(text ?? 'undefined'));
  });
  storage.erase = op((name: unknown) => flash.erase(nameOf(name)));
  storage.eraseAll = op(() => flash.eraseAll());
  storage.list = op((filter?: unknown, options?: unknown) => {
    const sf = options && typeof options === 'object' ? (options as { sf?: unknown }).sf : undefined;
    const names: string[] = [];
    for (const name of flash.list()) {
      const last = name.charCodeAt(name.length - 1);
      const isChunk = last > 0 && last < 32;
      if (isChunk) {
        // StorageFile chunks: only the first is listed; {sf:false} hides them, {sf:true} lists
        // only StorageFiles, by their base name.
        if (last !== 1 || sf === false) continue;
        const shown = sf === true ? name.slice(0, -1) : name;
        if (matches(shown, filter)) names.push(shown);
      } else if (sf !== true && matches(name, filter)) {
        names.push(name);
      }
    }
    return realm.array(names);
  });
  storage.getFree = op(() => flash.getFree());
  storage.getStats = op(() => realm.toRealm(flash.getStats()));
  storage.compact = op(() => {
    board.clock.advanceBy(board.costs.compactMs);
    flash.compact();
  });
  storage.debug = op(() => undefined);
  storage.open = op((name: unknown, mode: unknown) => {
    const handle = new StorageFileHandle(flash, nameOf(name), String(mode) as StorageFileMode);
    const file = new realm.Object() as Record<string, unknown>;
    file.name = handle.name;
    file.mode = handle.mode;
    file.read = op((length: unknown) => latin1(handle.read(Math.max(0, Number(length) || 0))));
    file.readLine = op(() => latin1(handle.readLine()));
    file.getLength = op(() => handle.getLength());
    file.write = op((data: unknown) => {
      const bytes = bytesOf(data);
      board.clock.advanceBy(board.costs.flashWriteMsPerKb * (bytes.length / 1024));
      handle.write(bytes);
    });
    file.erase = op(() => handle.erase());
    return file;
  });
  return storage;
}

/**
 * A value that survives a power cut at any byte of its own update: two record files
 * (<prefix>0, <prefix>1) written alternately, each holding a generation number.
 *
 * Save writes generation g+1 into the slot NOT holding the newest copy, so however the write is
 * torn (old copy erased, no new file, torn tail) the newest complete copy is still in the other
 * slot. Load returns the valid copy with the highest generation.
 */
import type { Flash } from './flash';
import { decodeRecord, encodeRecord } from './record';

export interface Slot<T> {
  gen: number;
  value: T;
}

function readSlot<T>(flash: Flash, name: string): Slot<T> | null {
  var payload = decodeRecord(flash.read(name));
  if (payload === null) return null;
  try {
    var parsed = JSON.parse(payload);
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.g !== 'number') return null;
    return { gen: parsed.g, value: parsed.v };
  } catch (e) {
    return null;
  }
}

/** The newest complete copy, or null when neither slot holds one. */
export function loadSlot<T>(flash: Flash, prefix: string): Slot<T> | null {
  var a = readSlot<T>(flash, prefix + '0');
  var b = readSlot<T>(flash, prefix + '1');
  if (a === null) return b;
  if (b === null) return a;
  return b.gen > a.gen ? b : a;
}

/** Saves `value` as generation `gen` (pass the loaded gen + 1, or 1 when nothing was loaded). */
export function saveSlot<T>(flash: Flash, prefix: string, gen: number, value: T): void {
  flash.write(prefix + (gen & 1), encodeRecord(JSON.stringify({ g: gen, v: value })));
}

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

/** A stored copy as it is in the record's JSON: generation `g`, value `v`. */
export interface Slot<T> {
  g: number;
  v: T;
}

/** The newest complete copy, or null when neither slot holds one. */
export function loadSlot<T>(flash: Flash, prefix: string): Slot<T> | null {
  var best: Slot<T> | null = null;
  for (var i = 0; i < 2; i++) {
    try {
      // A missing or torn record parses as 0, whose missing `g` compares false: no copy.
      var copy = JSON.parse(decodeRecord(flash.read(prefix + i)) || '0');
      if (copy.g > (best ? best.g : -1)) best = copy;
    } catch (e) {
      // A record whose payload is not JSON (or is null): not a copy either.
    }
  }
  return best;
}

/** Saves `value` as generation `gen` (pass the loaded gen + 1, or 1 when nothing was loaded). */
export function saveSlot<T>(flash: Flash, prefix: string, gen: number, value: T): void {
  flash.write(prefix + (gen & 1), encodeRecord(JSON.stringify({ g: gen, v: value })));
}

/**
 * The boot counter: raised once per boot (a deep-sleep wake is a boot), never repeats a value,
 * never goes backwards, even when power is cut at any byte of any flash write it makes.
 *
 * Layout in Storage:
 *   sp.b0 / sp.b1  slots (slots.ts) holding { e: epoch, b: base }
 *   sp.t<epoch>    a fixed-size tick file of TICKS bytes, created 0xFF; each boot fills ONE more byte
 *
 *   boot = base + (filled bytes of sp.t<epoch>, this boot's included)   -- a native indexOf
 *
 * When the tick file is full, fold: save { e: epoch+1, b: base + its filled bytes (TICKS) } in the
 * older slot, then erase sp.t<epoch>; the new epoch starts with a new empty tick file. A cut anywhere leaves either
 * the old slot (the full tick file is folded again next boot) or the new one (its tick file is
 * missing or empty: counting restarts at base+TICKS, past every value used before). A frame is
 * only ever sent after the byte that produced its boot value is in flash, so no value repeats.
 *
 * Flash arithmetic (TICKS = 512, one wake a minute): a boot writes 1 byte in place (no copy);
 * a fold every 512 boots (8.5 h) writes one slot (~50 B + 32 B header) and a new tick file
 * (512 B + 32 B header) = ~1.2 B of journal per boot on average plus the byte itself.
 */
import type { Flash } from './flash';
import { ERASED } from './flash';
import { loadSlot, saveSlot } from './slots';

export var TICKS = 512;
var BASE_SLOTS = 'sp.b';
var TICK_PREFIX = 'sp.t';

interface BootBase {
  e: number;
  b: number;
}

/**
 * Raises the counter and returns this boot's value (1 on the very first boot).
 * Throws only what the Flash throws (a power cut in tests); callers send nothing before it returns.
 */
export function nextBoot(flash: Flash, ticks?: number): number {
  var size = ticks || TICKS;
  var slot = loadSlot<BootBase>(flash, BASE_SLOTS) || { g: 0, v: { e: 0, b: 0 } };
  var base = slot.v;
  var name = TICK_PREFIX + base.e;
  var stored = flash.read(name);
  // Filled ticks: the bytes before the first unwritten one; -1 when the file has none left.
  var filled = stored ? stored.indexOf(ERASED) : 0;
  // Full, or full at another size (a firmware built with a different TICKS): fold.
  if (filled < 0 || filled >= size) {
    base = { e: base.e + 1, b: base.b + (filled < 0 ? stored!.length : filled) };
    saveSlot(flash, BASE_SLOTS, slot.g + 1, base);
    name = TICK_PREFIX + base.e;
    filled = 0;
  }
  // Tick files of earlier epochs: the one just folded (erased only after the new base is saved),
  // or one left by a fold that was cut before its erase.
  var names = flash.list();
  for (var i = 0; i < names.length; i++) {
    if (names[i].substr(0, 4) === TICK_PREFIX && names[i] !== name) flash.erase(names[i]);
  }
  // At offset 0 with the size, an existing empty tick file (a cut creation) is filled in place.
  flash.write(name, 'x', filled, size);
  return base.b + filled + 1;
}

/**
 * Espruino's Storage is the Flash the core persists to (firmware/core/flash.ts lists the
 * semantics relied on); this is the only place that reaches it.
 */
import type { Flash } from '../core/flash';

/** Compact when less than this is free (firmware/core/outbox.md: about once every 2.6 days). */
export var COMPACT_BELOW_BYTES = 65536;

export function deviceFlash(): Flash {
  return require('Storage');
}

/**
 * Storage is journaling: replaced and erased files keep their space until compact(). Doing it at
 * the end of a wake, when nothing else is being written, keeps Espruino from compacting in the
 * middle of a state or outbox write when the flash runs full.
 */
export function compactIfLow(): void {
  var storage = require('Storage');
  if (storage.getFree() < COMPACT_BELOW_BYTES) storage.compact();
}

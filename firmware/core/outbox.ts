/**
 * The outbox: signed frames waiting for an acknowledgement, kept in flash so they survive deep
 * sleep and power cuts. See outbox.md for the design, the full policy and the flash arithmetic.
 *
 * One Storage file per frame, named  sp.o<kind><boot>_<seq>  and holding a self-checking record
 * (record.ts) of the exact signed line. A cut at any byte of a put leaves at most that one file
 * torn; it is detected when read, erased and counted, and no other frame is touched (files are
 * never rewritten, only created and erased). A frame leaves only through ack() (serial ack or
 * MQTT PUBACK) or through the drop policy when the outbox is full.
 *
 * Drop policy when full (maxRecords): drop the OLDEST frame of the least valuable kind first:
 * readings r, then summaries s, then status t, then errors e, and class changes c only when
 * nothing else is left. Every drop is counted by the caller and reported in a status frame.
 */
import type { Flash } from './flash';
import { decodeRecord, encodeRecord } from './record';

export var OUTBOX_PREFIX = 'sp.o';

/** Lower rank is dropped first. */
var DROP_RANK = 'rstec';

export interface OutboxEntry {
  name: string;
  kind: string;
  boot: number;
  seq: number;
}

/** Pending frames, oldest first (by boot, then seq). */
export function outboxEntries(flash: Flash): OutboxEntry[] {
  var names = flash.list();
  var entries: OutboxEntry[] = [];
  for (var i = 0; i < names.length; i++) {
    // The layout outboxPut writes: the prefix (4 chars), the kind, then "<boot>_<seq>".
    var name = names[i];
    var bar = name.indexOf('_');
    var entry = { name: name, kind: name.charAt(4), boot: parseInt(name.substring(5, bar), 10), seq: parseInt(name.substr(bar + 1), 10) };
    // Another file, or a name outboxPut never makes: NaN fails both comparisons.
    if (name.substr(0, 4) === OUTBOX_PREFIX && entry.boot >= 0 && entry.seq >= 0) entries.push(entry);
  }
  return entries.sort(function (a, b) {
    return a.boot - b.boot || a.seq - b.seq;
  });
}

/**
 * Stores a signed line; first drops frames (policy above: the oldest entry of the lowest drop
 * rank) until there is room for it. Returns how many frames were dropped.
 */
export function outboxPut(flash: Flash, kind: string, boot: number, seq: number, line: string, maxRecords: number): number {
  var entries = outboxEntries(flash);
  var dropped = 0;
  for (; entries.length >= maxRecords && entries.length > 0; dropped++) {
    var gone = entries[0];
    for (var i = 1; i < entries.length; i++) {
      if (DROP_RANK.indexOf(entries[i].kind) < DROP_RANK.indexOf(gone.kind)) gone = entries[i];
    }
    flash.erase(gone.name);
    entries.splice(entries.indexOf(gone), 1);
  }
  flash.write(OUTBOX_PREFIX + kind + boot + '_' + seq, encodeRecord(line));
  return dropped;
}

/** The stored line, or null when the record is torn (it is then erased: it can never be sent). */
export function outboxLine(flash: Flash, entry: OutboxEntry): string | null {
  var line = decodeRecord(flash.read(entry.name));
  if (line === null) flash.erase(entry.name);
  return line;
}

/** Removes the frame (boot, seq) after the host or broker confirmed it. False if not pending. */
export function outboxAck(flash: Flash, boot: number, seq: number): boolean {
  var entries = outboxEntries(flash);
  for (var i = 0; i < entries.length; i++) {
    if (entries[i].boot === boot && entries[i].seq === seq) {
      flash.erase(entries[i].name);
      return true;
    }
  }
  return false;
}

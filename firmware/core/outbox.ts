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

export function outboxName(kind: string, boot: number, seq: number): string {
  return OUTBOX_PREFIX + kind + boot + '_' + seq;
}

function parseName(name: string): OutboxEntry | null {
  if (name.substr(0, OUTBOX_PREFIX.length) !== OUTBOX_PREFIX) return null;
  var rest = name.substr(OUTBOX_PREFIX.length + 1);
  var bar = rest.indexOf('_');
  if (bar < 1) return null;
  var boot = parseInt(rest.substr(0, bar), 10);
  var seq = parseInt(rest.substr(bar + 1), 10);
  if (isNaN(boot) || isNaN(seq)) return null;
  return { name: name, kind: name.charAt(OUTBOX_PREFIX.length), boot: boot, seq: seq };
}

function byAge(a: OutboxEntry, b: OutboxEntry): number {
  return a.boot - b.boot || a.seq - b.seq;
}

/** Pending frames, oldest first (by boot, then seq). */
export function outboxEntries(flash: Flash): OutboxEntry[] {
  var names = flash.list();
  var entries: OutboxEntry[] = [];
  for (var i = 0; i < names.length; i++) {
    var entry = parseName(names[i]);
    if (entry) entries.push(entry);
  }
  entries.sort(byAge);
  return entries;
}

/** The oldest entry of the lowest drop rank. */
function victim(entries: OutboxEntry[]): OutboxEntry {
  var best = entries[0];
  for (var i = 1; i < entries.length; i++) {
    if (DROP_RANK.indexOf(entries[i].kind) < DROP_RANK.indexOf(best.kind)) best = entries[i];
  }
  return best;
}

/**
 * Stores a signed line; first drops frames (policy above) until there is room for it.
 * Returns how many frames were dropped.
 */
export function outboxPut(flash: Flash, kind: string, boot: number, seq: number, line: string, maxRecords: number): number {
  var entries = outboxEntries(flash);
  var dropped = 0;
  while (entries.length >= maxRecords && entries.length > 0) {
    var gone = victim(entries);
    flash.erase(gone.name);
    entries.splice(entries.indexOf(gone), 1);
    dropped++;
  }
  flash.write(outboxName(kind, boot, seq), encodeRecord(line));
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

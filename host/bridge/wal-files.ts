/**
 * The WAL's on-disk pieces: segment names, record lines (`<crc32 hex8> <json>`), reading a segment
 * back (stopping at a torn tail), and the atomically written SeenState snapshot.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeLatin1 } from './publish-ascii.ts';
import type { SeenSnapshot } from './seen.ts';

export const SNAPSHOT = 'seen.json';

/** One accepted frame as the log holds it. */
export interface WalEntry {
  /** Monotonic across restarts. */
  id: number;
  dev: string;
  boot: number;
  seq: number;
  /** Kind, short form. */
  k: string;
  /** The exact signed line. */
  line: string;
  /** Where it came from (port name, sim, uplink). */
  src: string;
  /** When it was received (ms since epoch). */
  at: number;
  /**
   * In memory only, never written to the log: the payload `d` as JSON and the line as a JSON
   * string, kept from verification so the WAL record and the published payload redo neither.
   * Absent on entries read back from the log (they are derived from `line` again).
   */
  dJson?: string;
  lineJson?: string;
  /**
   * In memory only: true when the line is compact printable ASCII (envelope-scan.ts) and so is
   * every other field of the published message; it can then be encoded as latin1 text
   * (publish-ascii.ts). Absent (false) on entries read back from the log.
   */
  ascii?: boolean;
}

/** 'a': a frame accepted; 'p': frames published (ids batched: one record per flush, not per PUBACK). */
export type WalRecord = ({ t: 'a' } & WalEntry) | { t: 'p'; ids: number[] };

/** One record as a line: CRC first, so a torn or damaged line is recognised on reading. */
export function encodeRecord(record: WalRecord): string {
  if (record.t === 'a') return encodeAccepted(record);
  return recordLine(JSON.stringify(record));
}

/**
 * An 'a' record, built by concatenation: byte for byte what JSON.stringify of the record object
 * { t: 'a', id, dev, boot, seq, k, line, src, at } gives (a property test holds them equal), without
 * walking an object per record. Only those fields are written (not the in-memory dJson/lineJson).
 */
export function encodeAccepted(entry: WalEntry, lineJson = entry.lineJson ?? JSON.stringify(entry.line)): string {
  return recordLine(acceptedJson(entry, lineJson));
}

/** The JSON of an 'a' record (encodeAccepted without the CRC prefix and the newline). */
export function acceptedJson(entry: WalEntry, lineJson = entry.lineJson ?? JSON.stringify(entry.line)): string {
  return (
    '{"t":"a","id":' + entry.id + ',"dev":' + jsonString(entry.dev) + ',"boot":' + entry.boot + ',"seq":' + entry.seq + ',"k":' + jsonString(entry.k) +
    ',"line":' + lineJson + ',"src":' + jsonString(entry.src) + ',"at":' + entry.at + '}'
  );
}

function recordLine(json: string): string {
  const crc = crc32(json);
  return HEX[crc >>> 24]! + HEX[(crc >>> 16) & 0xff]! + HEX[(crc >>> 8) & 0xff]! + HEX[crc & 0xff]! + ' ' + json + '\n';
}

/** Bytes of a record line around its JSON: the CRC (8 hex digits), a space, and the newline. */
export const RECORD_OVERHEAD = 10;

/**
 * Record lines into one Buffer, for one write. Each item is either a complete line, or (starting
 * with '{') the JSON of an ASCII record whose CRC is still to be computed: it is computed here,
 * over the bytes just written, instead of over the string (crc32 of a string first flattens and
 * UTF-8-encodes a copy of it; for ASCII, those bytes are the latin1 bytes, so the CRC is the same).
 */
export function recordsBuffer(items: readonly string[]): Buffer {
  let total = 0;
  for (const item of items) total += item.charCodeAt(0) === OPEN_BRACE ? item.length + RECORD_OVERHEAD : item.length;
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const item of items) {
    if (item.charCodeAt(0) !== OPEN_BRACE) {
      offset += writeLatin1(buffer, item, offset);
      continue;
    }
    const start = offset + 9;
    const end = start + writeLatin1(buffer, item, start);
    const crc = crc32(buffer.subarray(start, end));
    for (let i = 0; i < 8; i++) buffer[offset + i] = HEX_DIGITS[(crc >>> (28 - 4 * i)) & 0xf]!;
    buffer[offset + 8] = 32;
    buffer[end] = 10;
    offset = end + 1;
  }
  return buffer;
}

const OPEN_BRACE = 123;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** Two lowercase hex digits per byte value: the CRC prefix without toString(16) + padStart. */
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Short strings repeated on every record (device ids, kinds, input names) escaped once. Bounded:
 * cleared when it grows past a few thousand names rather than growing with hostile input.
 */
const escaped = new Map<string, string>();
export function jsonString(value: string): string {
  let json = escaped.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    if (escaped.size >= 4096) escaped.clear();
    escaped.set(value, json);
  }
  return json;
}

export function segmentName(index: number): string {
  return `wal-${String(index).padStart(8, '0')}.log`;
}

export function writeSnapshot(dir: string, snapshot: SeenSnapshot): void {
  const path = join(dir, SNAPSHOT);
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(snapshot));
  const fd = openSync(temp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temp, path);
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a segment's records; stops at the first bad record in the last segment (a torn tail). */
export function readSegment(path: string, isLast: boolean): { records: WalRecord[]; goodBytes: number; corrupt: number } {
  const text = readFileSync(path, 'latin1');
  const records: WalRecord[] = [];
  let offset = 0;
  let corrupt = 0;
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) break; // torn: no newline yet
    const line = text.slice(offset, newline);
    const record = parseRecord(line);
    if (!record) {
      corrupt++;
      if (isLast) break;
    } else {
      records.push(record);
    }
    offset = newline + 1;
  }
  return { records, goodBytes: offset, corrupt };
}

function parseRecord(line: string): WalRecord | null {
  if (line.length < 10 || line[8] !== ' ') return null;
  const json = line.slice(9);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8)) return null;
  try {
    const record = JSON.parse(json) as WalRecord;
    if (record.t !== 'a' && record.t !== 'p') return null;
    return record;
  } catch {
    return null;
  }
}

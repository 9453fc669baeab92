/**
 * The WAL's on-disk pieces: segment names, record lines (`<crc32 hex8> <json>`), reading a segment
 * back (stopping at a torn tail), and the atomically written SeenState snapshot.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
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
}

/** 'a': a frame accepted; 'p': frames published (ids batched: one record per flush, not per PUBACK). */
export type WalRecord = ({ t: 'a' } & WalEntry) | { t: 'p'; ids: number[] };

/** One record as a line: CRC first, so a torn or damaged line is recognised on reading. */
export function encodeRecord(record: WalRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
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

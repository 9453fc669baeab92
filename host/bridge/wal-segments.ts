/**
 * The WAL's segments: their in-memory record, opening a segment file for durable appends, and
 * reading the whole log back at start (which frames are still unpublished, and the replay filter).
 */
import { constants, existsSync, mkdirSync, readdirSync, readFileSync, truncateSync, unlinkSync } from 'node:fs';
import { SpruceError } from '../errors.ts';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SeenState, type SeenSnapshot } from './seen.ts';
import { SNAPSHOT, fsyncDir, readSegment, segmentName, writeSnapshot, type WalEntry } from './wal-files.ts';

/**
 * Append-only, and every write durable before it returns (see flush()). Where the platform has no
 * O_DSYNC (Windows), writes are followed by an explicit datasync instead.
 */
export const HAS_DSYNC = typeof constants.O_DSYNC === 'number';
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (HAS_DSYNC ? constants.O_DSYNC : 0);

export interface Segment {
  index: number;
  path: string;
  bytes: number;
  /** Accepted frames in this segment not yet published. */
  unpublished: number;
  /** Opened on the first flush into the segment. */
  handle: Promise<FileHandle> | null;
  /**
   * Id of the first frame accepted into this segment (Infinity while it has none). Ids only grow
   * and segments follow each other, so a frame lives in the last segment starting at or below
   * its id: found by a scan over the few live segments instead of a Map entry per frame.
   */
  firstId: number;
}

export function newSegment(dir: string, index: number): Segment {
  return { index, path: join(dir, segmentName(index)), bytes: 0, unpublished: 0, handle: null, firstId: Infinity };
}

/** The segment's file, opened (O_DSYNC where available) on first use. */
export function segmentHandle(dir: string, segment: Segment): Promise<FileHandle> {
  if (!segment.handle) {
    segment.handle = open(segment.path, SEGMENT_FLAGS, 0o600).then((handle) => {
      fsyncDir(dir); // the new file's directory entry must be durable too
      return handle;
    });
  }
  return segment.handle;
}

export interface RecoveredLog {
  /** Every segment found, oldest first, with its unpublished count and first id. */
  segments: Segment[];
  /** Accepted and not published, in id order: to be replayed. */
  pending: WalEntry[];
  maxId: number;
  /** Index of the newest segment (0 when there is none). */
  lastIndex: number;
  corrupt: number;
}

/**
 * Reads every segment: 'a' records add a frame (and mark it seen), 'p' records remove the frames
 * they name. The last segment's torn tail, if any, is cut off so appends start on a clean line.
 */
export function recoverLog(dir: string, seen: SeenState): RecoveredLog {
  const segments: Segment[] = [];
  let corrupt = 0;
  const indices = readdirSync(dir)
    .map((name) => /^wal-(\d+)\.log$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const accepted = new Map<number, WalEntry & { segment: Segment }>();
  let maxId = 0;
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    const segment = newSegment(dir, index);
    const isLast = i === indices.length - 1;
    const { records, goodBytes, corrupt: recordsCorrupt } = readSegment(segment.path, isLast);
    corrupt += recordsCorrupt;
    if (isLast) truncateSync(segment.path, goodBytes); // cut a torn tail so appends start on a clean line
    segment.bytes = goodBytes;
    for (const record of records) {
      if (record.t === 'a') {
        const { t: _t, ...entry } = record;
        accepted.set(entry.id, { ...entry, segment });
        segment.unpublished++;
        if (entry.id < segment.firstId) segment.firstId = entry.id;
        seen.add(entry.dev, entry.boot, entry.seq);
        if (entry.id > maxId) maxId = entry.id;
      } else {
        for (const id of record.ids) {
          const entry = accepted.get(id);
          if (entry) {
            entry.segment.unpublished--;
            accepted.delete(id);
          }
          if (id > maxId) maxId = id;
        }
      }
    }
    segments.push(segment);
  }
  const pending = [...accepted.values()].sort((a, b) => a.id - b.id).map(({ segment: _segment, ...entry }) => entry as WalEntry);
  return { segments, pending, maxId, lastIndex: indices.at(-1) ?? 0, corrupt };
}


/**
 * Deletes the fully published segments at the head of the log (never the active one), after saving
 * the replay filter they carried; returns the deleted segments. Only a prefix (oldest first) may
 * go: a segment's 'p' records name frames of the segments before it too, and deleting it while an
 * older segment survives (one frame there still unpublished) would lose those records, so a
 * restart would replay every frame they named.
 */
export function deletePublishedPrefix(dir: string, segments: readonly Segment[], active: Segment, snapshot: () => SeenSnapshot): Segment[] {
  const done: Segment[] = [];
  for (const segment of segments) {
    if (segment === active || segment.unpublished > 0) break;
    done.push(segment);
  }
  if (done.length === 0) return done;
  // The 'p' records that emptied these segments may still be unflushed; that is fine: the frames
  // they name are all in deleted segments (a prefix) and so are never replayed.
  writeSnapshot(dir, snapshot());
  for (const segment of done) unlinkSync(segment.path);
  return done;
}

/** Creates the WAL directory (owner only) or explains why it cannot. */
export function prepareWalDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SpruceError('E_WAL_DIR', `cannot create the WAL directory ${dir}: ${(error as Error).message}`, {
      hint: 'pass --wal <dir> with a writable directory',
      exit: 'BAD_INPUT',
    });
  }
}

/** The replay filter saved with the last segment deletion (empty when there is none yet). */
export function loadSeen(dir: string): SeenState {
  const snapshotPath = join(dir, SNAPSHOT);
  let seen = new SeenState();
  if (existsSync(snapshotPath)) {
    try {
      seen = SeenState.fromJSON(JSON.parse(readFileSync(snapshotPath, 'utf8')) as SeenSnapshot);
    } catch (error) {
      throw new SpruceError('E_WAL_CORRUPT', `WAL snapshot ${snapshotPath} is unreadable: ${(error as Error).message}`, {
        hint: 'the snapshot is written atomically, so this means outside damage; move the WAL directory away to start fresh (replay protection is then reset)',
        exit: 'BAD_INPUT',
      });
    }
  }
  return seen;
}

/**
 * The bridge's write-ahead log: every verified frame is written here and fsynced BEFORE the device
 * is acknowledged and before it is published; a `published` record follows its PUBACK. On start the
 * log is read back: every accepted-but-not-published frame is replayed, and the replay filter
 * (SeenState) is rebuilt, so a restart neither loses nor re-admits anything.
 *
 * Format: segment files `wal-<n>.log` of lines `<crc32 hex8> <json>\n`. A torn tail (a crash in the
 * middle of a write) fails its CRC or lacks its newline and is cut off on open. Segment files are
 * opened O_DSYNC, so a write returns once durable (write + fdatasync in one I/O-thread trip), and
 * writes are batched (group commit): all appends made while one write runs share the next one.
 *
 * Bounds (the stated policy): when the frames waiting to be published exceed maxBytes, or the oldest
 * one is older than maxAgeMs, the log is "full" and the bridge stops acknowledging new frames, so
 * devices keep them in their own outboxes and resend later. Nothing acknowledged is ever dropped.
 * Segments whose frames are all published are deleted after a snapshot of SeenState is saved.
 */
import { SpruceError } from '../errors.ts';
import type { SeenState } from './seen.ts';
import { RECORD_OVERHEAD, acceptedJson, encodeAccepted, encodeRecord, recordsBuffer, type WalEntry } from './wal-files.ts';
import { HAS_DSYNC, deletePublishedPrefix, loadSeen, newSegment, prepareWalDir, recoverLog, segmentHandle, type Segment } from './wal-segments.ts';

/** The entry type lives with the record format it is written in; re-exported for the log's users. */
export type { WalEntry };

export interface WalOptions {
  /** Segment size before rotating. */
  segmentBytes?: number;
  /** Bytes of unpublished frames (line lengths) above which the log is full. */
  maxBytes?: number;
  /** Age of the oldest unpublished frame above which the log is full. */
  maxAgeMs?: number;
  /** Longest wait before an append is fsynced, to gather more appends into one fsync. */
  commitDelayMs?: number;
}

export class Wal {
  readonly seen: SeenState;
  /** Unpublished entries by id, in id order (Map keeps insertion order, ids only grow). */
  private readonly pendingEntries = new Map<number, WalEntry>();
  private pendingLineBytes = 0;
  private segments: Segment[] = [];
  private active!: Segment;
  private nextId = 1;
  /** Record lines not yet written, grouped by the segment they belong to (one chunk per segment). */
  private buffer: Array<{ segment: Segment; lines: string[]; sync: boolean }> = [];
  /** PUBACKed ids not yet written (one 'p' record per flush). */
  private publishedIds: number[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cleanupScheduled = false;
  private closed = false;
  private failure: Error | null = null;
  /** Frames found unpublished when the log was opened (to be replayed); see takeRecovered(). */
  recovered: WalEntry[];
  readonly stats = { fsyncs: 0, appended: 0, corruptRecords: 0, segmentsDeleted: 0 };
  private readonly segmentBytes: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  private readonly commitDelayMs: number;

  private constructor(readonly dir: string, options: WalOptions, seen: SeenState, recovered: WalEntry[]) {
    this.segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.maxAgeMs = options.maxAgeMs ?? 7 * 24 * 3600 * 1000;
    this.commitDelayMs = options.commitDelayMs ?? 0;
    this.seen = seen;
    this.recovered = recovered;
  }

  static async open(dir: string, options: WalOptions = {}): Promise<Wal> {
    prepareWalDir(dir);
    const seen = loadSeen(dir);
    const log = recoverLog(dir, seen);
    const wal = new Wal(dir, options, seen, log.pending);
    wal.stats.corruptRecords += log.corrupt;
    wal.segments.push(...log.segments);
    for (const entry of log.pending) {
      wal.pendingEntries.set(entry.id, entry);
      wal.pendingLineBytes += entry.line.length;
    }
    wal.nextId = log.maxId + 1;
    wal.startSegment(log.lastIndex + 1);
    await wal.barrier();
    return wal;
  }

  /** Hands the recovered frames over once (so the log does not keep them alive after replay). */
  takeRecovered(): WalEntry[] {
    const taken = this.recovered;
    this.recovered = [];
    return taken;
  }

  /** Number of frames accepted but not yet published. */
  get pending(): number {
    return this.pendingEntries.size;
  }

  get pendingBytes(): number {
    return this.pendingLineBytes;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Why the log refuses new frames right now, or null if it accepts them. */
  fullReason(now = Date.now()): 'size' | 'age' | null {
    if (this.pendingLineBytes >= this.maxBytes) return 'size';
    // Asked once per incoming frame: remember the oldest entry instead of making a Map iterator
    // each time (markPublished forgets it when that entry goes).
    if (this.oldest === null) {
      const first = this.pendingEntries.values().next();
      if (first.done) return null;
      this.oldest = first.value;
    }
    if (now - this.oldest.at > this.maxAgeMs) return 'age';
    return null;
  }

  /** The oldest unpublished entry, cached for fullReason(); null when unknown. */
  private oldest: WalEntry | null = null;

  /**
   * Appends a frame; returns its entry and a promise that resolves once it is on disk (fsynced).
   * Until then the device must not be acknowledged nor the frame published.
   */
  append(frame: Omit<WalEntry, 'id'>): { entry: WalEntry; durable: Promise<void> } {
    this.assertUsable();
    // Every field listed, in one literal: all live entries share one object shape.
    const entry: WalEntry = { id: this.nextId++, dev: frame.dev, boot: frame.boot, seq: frame.seq, k: frame.k, line: frame.line, src: frame.src, at: frame.at, dJson: frame.dJson, lineJson: frame.lineJson, ascii: frame.ascii === true };
    // The replay filter lives with the log: whatever is in the log is "seen", after a restart too.
    this.seen.add(entry.dev, entry.boot, entry.seq);
    // An ASCII record (the bridge says so) gets its CRC computed over its bytes at flush time
    // (recordsBuffer); any other is encoded whole now.
    if (entry.ascii) this.writeLine(acceptedJson(entry), true, RECORD_OVERHEAD);
    else this.writeLine(encodeAccepted(entry), true);
    this.pendingEntries.set(entry.id, entry);
    // writeLine() may have rotated: the active segment now is the one holding this record.
    if (this.active.firstId === Infinity) this.active.firstId = entry.id;
    this.active.unpublished++;
    this.pendingLineBytes += entry.line.length;
    this.stats.appended++;
    return { entry, durable: this.barrier() };
  }

  /** Records a PUBACK. Not awaited: losing it in a crash only means one duplicate publish. */
  markPublished(id: number): void {
    const entry = this.pendingEntries.get(id);
    const segment = entry ? this.segmentOf(id) : undefined;
    if (!entry || !segment || this.closed) return;
    this.pendingEntries.delete(id);
    if (this.oldest === entry) this.oldest = null;
    this.pendingLineBytes -= entry.line.length;
    segment.unpublished--;
    this.publishedIds.push(id);
    this.scheduleFlush();
    if (segment.unpublished === 0 && segment !== this.active) this.scheduleCleanup();
  }

  /** Resolves when everything appended so far is fsynced. */
  barrier(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.buffer.length === 0 && this.publishedIds.length === 0 && !this.flushing) return Promise.resolve();
    // One promise per flush group, shared by every append in it: at bridge rates a promise and a
    // waiter closure per message were a visible cost, and they all settle at the same fsync anyway.
    if (!this.groupBarrier) {
      this.groupBarrier = new Promise<void>((resolve, reject) => {
        this.groupSettle = () => (this.failure ? reject(this.failure) : resolve());
      });
    }
    this.scheduleFlush();
    return this.groupBarrier;
  }

  /** The barrier of the group not yet handed to flush(); null once flush() takes the group. */
  private groupBarrier: Promise<void> | null = null;
  /** Settles groupBarrier (set exactly while groupBarrier is). */
  private groupSettle: (() => void) | null = null;

  async close(): Promise<void> {
    if (this.closed) return;
    await this.barrier().catch(() => {});
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    for (const segment of this.segments) if (segment.handle) await (await segment.handle).close();
  }

  /** Queues a record line (or an ASCII record's JSON, `extra` bytes short of its line: see recordsBuffer). */
  private writeLine(line: string, sync: boolean, extra = 0): void {
    // Rotation is decided here, synchronously, so a record is always counted in the segment whose
    // file it is written to (a segment is deleted only when its own frames are all published).
    if (this.active.bytes >= this.segmentBytes) this.startSegment(this.active.index + 1);
    const last = this.buffer.length > 0 ? this.buffer[this.buffer.length - 1]! : null;
    if (last && last.segment === this.active) {
      last.lines.push(line);
      if (sync) last.sync = true;
    } else {
      this.buffer.push({ segment: this.active, lines: [line], sync });
    }
    this.active.bytes += line.length + extra;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.timer || this.immediate || this.flushing) return;
    if (this.commitDelayMs <= 0) {
      // Group commit without waiting: appends that arrive while an fsync runs share the next one.
      this.immediate = setImmediate(() => {
        this.immediate = null;
        void this.flush();
      });
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.commitDelayMs);
  }

  private immediate: NodeJS.Immediate | null = null;

  private async flush(): Promise<void> {
    if (this.flushing || this.closed) return;
    if (this.publishedIds.length > 0) {
      const ids = this.publishedIds;
      this.publishedIds = [];
      // No fsync needed for it: a lost 'published' record only means a duplicate publish later.
      this.writeLine(encodeRecord({ t: 'p', ids }), false);
    }
    const chunks = this.buffer;
    const settle = this.groupSettle;
    this.buffer = [];
    this.groupSettle = null;
    this.groupBarrier = null;
    this.flushing = (async () => {
      try {
        for (const chunk of chunks) {
          const sync = chunk.sync || settle !== null;
          const handle = await segmentHandle(this.dir, chunk.segment);
          // The file is open with O_DSYNC: the write returns once its data is on disk, as
          // write + fdatasync would, but in one trip to the I/O thread instead of two (each trip
          // is a wait for a thread, which is most of an append's latency on a busy machine).
          await handle.write(recordsBuffer(chunk.lines));
          if (!HAS_DSYNC) await handle.datasync();
          if (sync) this.stats.fsyncs++;
        }
        // Older segments are complete: close their files.
        for (const segment of this.segments) {
          if (segment !== this.active && segment.handle) {
            const handle = segment.handle;
            segment.handle = null;
            await (await handle).close();
          }
        }
      } catch (error) {
        this.failure = new SpruceError('E_WAL_WRITE', `cannot write the WAL in ${this.dir}: ${(error as Error).message}`, {
          hint: 'check free disk space and permissions; nothing was acknowledged that is not on disk',
          exit: 'LIMIT',
          cause: error,
        });
      }
    })();
    await this.flushing;
    this.flushing = null;
    settle?.();
    if (this.buffer.length > 0 || this.groupSettle !== null || this.publishedIds.length > 0) this.scheduleFlush();
  }

  /** The segment holding frame `id` (see Segment.firstId). */
  private segmentOf(id: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i]!.firstId <= id) return this.segments[i];
    return undefined;
  }

  private startSegment(index: number): void {
    const segment = newSegment(this.dir, index);
    this.segments.push(segment);
    this.active = segment;
    this.scheduleCleanup();
  }

  /** Deletes fully published segments, after saving the replay filter they carried. */
  private scheduleCleanup(): void {
    if (this.cleanupScheduled) return;
    this.cleanupScheduled = true;
    setTimeout(() => {
      this.cleanupScheduled = false;
      if (this.closed) return;
      try {
        const deleted = deletePublishedPrefix(this.dir, this.segments, this.active, () => this.seen.toJSON());
        if (deleted.length === 0) return;
        this.stats.segmentsDeleted += deleted.length;
        this.segments = this.segments.filter((s) => !deleted.includes(s));
      } catch (error) {
        this.failure = new SpruceError('E_WAL_WRITE', `cannot compact the WAL in ${this.dir}: ${(error as Error).message}`, { exit: 'LIMIT' });
      }
    }, 50).unref();
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new SpruceError('E_WAL_CLOSED', 'the WAL is closed');
  }
}

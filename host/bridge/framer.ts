/**
 * A bounded line framer for a board's console byte stream.
 *
 * Bytes arrive in arbitrary chunks; complete lines (ending in `\n`) come out as strings without
 * the newline (a trailing `\r` is stripped too). Memory is bounded by `maxLine`: a line that grows
 * past the cap is discarded up to the next newline and counted, so a board spewing binary garbage
 * or a stuck line can never make the bridge buffer without limit. Call reset() whenever the link
 * (re)opens: half a line from before an unplug must never be glued to the first line after it.
 *
 * Bytes are decoded as latin1 (one char per byte): telemetry is ASCII, and latin1 can represent any
 * byte, so a random byte never throws or changes the length of what we count.
 */

type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
/**
 * Buffer#toString('latin1', start, end) minus its argument decoding, once per line: Node's own
 * latin1 reader, which toString ends up calling, when present (not a documented API, so
 * toString stays the fallback).
 */
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice;
const latin1Slice: (bytes: Buffer, start: number, end: number) => string =
  typeof nativeLatin1Slice === 'function' ? (bytes, start, end) => nativeLatin1Slice.call(bytes, start, end) : (bytes, start, end) => bytes.toString('latin1', start, end);

export interface FramerStats {
  /** Complete lines emitted. */
  lines: number;
  /** Lines discarded because they grew past the cap. */
  overlong: number;
}

export class LineFramer {
  private parts: Buffer[] = [];
  private buffered = 0;
  /** True while discarding the rest of an over-long line (until the next newline). */
  private discarding = false;
  readonly stats: FramerStats = { lines: 0, overlong: 0 };

  constructor(
    private readonly onLine: (line: string) => void,
    /** Longest line kept, in bytes, excluding the newline. */
    readonly maxLine = 1024,
    /** Called once per over-long line, when it is first detected. */
    private readonly onOverlong: () => void = () => {},
  ) {
    if (!Number.isInteger(maxLine) || maxLine < 1) throw new RangeError(`maxLine must be a positive integer, got ${maxLine}`);
  }

  /** Bytes currently held for an incomplete line (never more than maxLine + 1). */
  get pendingBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): void {
    // A view, not a copy: lets complete lines be decoded straight out of the chunk.
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(10, start);
      const end = newline === -1 ? bytes.length : newline;
      if (newline !== -1 && !this.discarding && this.buffered === 0) {
        // The common case: a whole line inside this chunk. Decode it once, no intermediate copies.
        this.emitWhole(bytes, start, end);
        start = newline + 1;
        continue;
      }
      if (!this.discarding) this.append(bytes, start, end);
      if (newline === -1) return;
      if (this.discarding) {
        this.discarding = false;
      } else {
        this.emit();
      }
      start = newline + 1;
    }
  }

  /** Drops any partial line (call on every (re)connect). */
  reset(): void {
    this.parts = [];
    this.buffered = 0;
    this.discarding = false;
  }

  private append(chunk: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    // A trailing '\r' belongs to the line ending, so allow one byte of slack for it.
    if (this.buffered + (end - start) > this.maxLine + 1) {
      this.parts = [];
      this.buffered = 0;
      this.discarding = true;
      this.stats.overlong++;
      this.onOverlong();
      return;
    }
    // Copy: the caller may reuse its buffer after push() returns.
    this.parts.push(Buffer.from(chunk.subarray(start, end)));
    this.buffered += end - start;
  }

  /** A complete line found inside one chunk (nothing buffered before it). */
  private emitWhole(bytes: Buffer, start: number, end: number): void {
    // A trailing '\r' belongs to the line ending; the cap applies to the line without it.
    const stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    if (stop - start > this.maxLine) {
      this.stats.overlong++;
      this.onOverlong();
      return;
    }
    this.stats.lines++;
    this.onLine(latin1Slice(bytes, start, stop));
  }

  private emit(): void {
    let line = this.parts.length === 1 ? this.parts[0]!.toString('latin1') : Buffer.concat(this.parts, this.buffered).toString('latin1');
    this.parts = [];
    this.buffered = 0;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length > this.maxLine) {
      // Exactly maxLine + 1 bytes without a '\r': over the cap after all.
      this.stats.overlong++;
      this.onOverlong();
      return;
    }
    this.stats.lines++;
    this.onLine(line);
  }
}

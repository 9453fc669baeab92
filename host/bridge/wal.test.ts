import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Wal } from './wal.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spruce-wal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function frame(seq: number, boot = 1) {
  return { dev: 'd1', boot, seq, k: 'r', line: `@s1 {"seq":${seq}} ${'0'.repeat(64)}`, src: 'test', at: Date.now() };
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 120)); // cleanup runs 50 ms after it is scheduled
}

describe('Wal', () => {
  it('replays what was accepted and not published, and remembers what it has seen', async () => {
    const dir = tempDir();
    const wal = await Wal.open(dir);
    const a = wal.append(frame(0));
    const b = wal.append(frame(1));
    wal.append(frame(2));
    await Promise.all([a.durable, b.durable]);
    wal.markPublished(b.entry.id);
    await wal.close();

    const again = await Wal.open(dir);
    expect(again.recovered.map((e) => e.seq)).toEqual([0, 2]);
    expect(again.pending).toBe(2);
    expect(again.seen.check('d1', 1, 1)).toBe('seen');
    const next = again.append(frame(3));
    expect(next.entry.id).toBeGreaterThan(3);
    await again.close();
  });

  it('groups appends into few fsyncs', async () => {
    const wal = await Wal.open(tempDir());
    const all = [];
    for (let i = 0; i < 500; i++) all.push(wal.append(frame(i)).durable);
    await Promise.all(all);
    expect(wal.stats.fsyncs).toBeLessThan(50);
    await wal.close();
  });

  it('cuts a torn tail left by a crash mid-write and keeps going', async () => {
    const dir = tempDir();
    const wal = await Wal.open(dir);
    await wal.append(frame(0)).durable;
    await wal.close();
    const segment = readdirSync(dir).find((n) => n.startsWith('wal-'))!;
    appendFileSync(join(dir, segment), '1234abcd {"t":"a","id":9,"dev":"d1"'); // half a record, no newline
    const again = await Wal.open(dir);
    expect(again.recovered.map((e) => e.seq)).toEqual([0]);
    await again.append(frame(1)).durable;
    await again.close();
    const third = await Wal.open(dir);
    expect(third.recovered.map((e) => e.seq)).toEqual([0, 1]);
    expect(third.stats.corruptRecords).toBe(0);
    await third.close();
  });

  it('rotates segments and deletes published ones, keeping replay protection in the snapshot', async () => {
    const dir = tempDir();
    const wal = await Wal.open(dir, { segmentBytes: 2000 });
    const entries = [];
    for (let i = 0; i < 100; i++) {
      const { entry, durable } = wal.append(frame(i));
      await durable;
      entries.push(entry);
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('wal-')).length).toBeGreaterThan(3);
    for (const e of entries) wal.markPublished(e.id);
    await wal.barrier();
    await wal.append(frame(100)).durable; // forces a write into the newest segment
    await settle();
    expect(readdirSync(dir).filter((n) => n.startsWith('wal-')).length).toBeLessThanOrEqual(2);
    expect(wal.stats.segmentsDeleted).toBeGreaterThan(0);
    await wal.close();
    const again = await Wal.open(dir);
    expect(again.recovered.map((e) => e.seq)).toEqual([100]);
    for (let i = 0; i <= 100; i++) expect(again.seen.check('d1', 1, i)).toBe('seen');
    await again.close();
  });

  it('says it is full past its size or age bound, and not before', async () => {
    const wal = await Wal.open(tempDir(), { maxBytes: 400, maxAgeMs: 60_000 });
    expect(wal.fullReason()).toBeNull();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(wal.append(frame(i)).entry.id);
    expect(wal.fullReason()).toBe('size');
    for (const id of ids) wal.markPublished(id);
    expect(wal.fullReason()).toBeNull();
    wal.append({ ...frame(9), at: Date.now() - 120_000 });
    expect(wal.fullReason()).toBe('age');
    await wal.close();
  });

  it('never replays published frames after deleting a segment that held their published records', async () => {
    // Segment 2 holds the 'p' records of segment 1's frames. Segment 1 stays (one frame of it is
    // still unpublished) while all of segment 2's own frames get published: deleting segment 2
    // then would lose those 'p' records, and a restart would replay frames the broker already has.
    const dir = tempDir();
    const wal = await Wal.open(dir, { segmentBytes: 1000 });
    let seq = 0;
    const appendUntilNewSegment = async (): Promise<number[]> => {
      const ids: number[] = [];
      const start = wal.segmentCount;
      while (wal.segmentCount === start) {
        const { entry, durable } = wal.append(frame(seq++));
        await durable;
        ids.push(entry.id);
      }
      return ids; // the last one opened the new segment
    };
    const first = await appendUntilNewSegment();
    const segmentOne = first.slice(0, -1);
    const stuck = segmentOne[0]!;
    for (const id of segmentOne.slice(1)) wal.markPublished(id); // their 'p' record goes to segment 2
    await wal.barrier();
    // Segment 2's frames, then the one that opened segment 3 and a few more in it: all published.
    const later = [first.at(-1)!, ...(await appendUntilNewSegment())];
    for (let i = 0; i < 3; i++) later.push(wal.append(frame(seq++)).entry.id);
    for (const id of later) wal.markPublished(id);
    await wal.barrier();
    await settle();
    await wal.close();
    const again = await Wal.open(dir);
    expect(again.recovered.map((e) => e.id)).toEqual([stuck]);
    await again.close();
  });
});


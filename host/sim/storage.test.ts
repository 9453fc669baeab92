import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_HEADER_BYTES, FlashStorage, PowerLoss, StorageError, bytesOf } from './storage.ts';
import { StorageFileHandle } from './storage-file.ts';

const text = (s: string) => bytesOf(s);
const str = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString('latin1'));
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'spruce-sim-storage-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('FlashStorage (Espruino jsfWriteFile semantics)', () => {
  it('creates a fixed-size file whose unwritten bytes are 0xFF and fills it at offsets', () => {
    const flash = new FlashStorage({ capacityBytes: 64 * 1024 });
    expect(flash.write('log', text('Hello'), 0, 12)).toBe(true);
    expect(flash.sizeOf('log')).toBe(12);
    expect(str(flash.read('log'))).toBe('Hello\xff\xff\xff\xff\xff\xff\xff');
    expect(flash.write('log', text(' World!'), 5)).toBe(true);
    expect(str(flash.read('log'))).toBe('Hello World!');
    expect(str(flash.read('log', 6, 5))).toBe('World');
  });

  it('refuses to rewrite bytes already written, or to write past the end', () => {
    const flash = new FlashStorage({ capacityBytes: 64 * 1024 });
    flash.write('f', text('ab'), 0, 4);
    expect(() => flash.write('f', text('x'), 1)).toThrow('File already written with different data');
    expect(() => flash.write('f', text('xyz'), 2)).toThrow('Too much data for file size');
    expect(() => flash.write('missing', text('x'), 3)).toThrow('Unable to find or create file');
    expect(flash.write('f', text('x'), -1)).toBe(false);
    expect(flash.write('f', new Uint8Array(0))).toBe(false);
  });

  it('offset 0 replaces the file and the old copy stays as trash until compact()', () => {
    const flash = new FlashStorage({ capacityBytes: 64 * 1024 });
    flash.write('a', text('first version'));
    const free = flash.getFree();
    flash.write('a', text('second'));
    expect(str(flash.read('a'))).toBe('second');
    const stats = flash.getStats();
    expect(stats.trashCount).toBe(1);
    expect(stats.trashBytes).toBe(FILE_HEADER_BYTES + 16);
    expect(flash.getFree()).toBeLessThan(free);
    flash.compact();
    expect(flash.getStats().trashBytes).toBe(0);
    // Writing identical content does not create a new copy.
    flash.write('a', text('second'));
    expect(flash.getStats().trashCount).toBe(0);
  });

  it('erase, list in flash order, and readString', () => {
    const flash = new FlashStorage({ capacityBytes: 64 * 1024 });
    flash.write('one', text('1'));
    flash.write('two', text('2'));
    flash.write('one', text('uno'));
    expect(flash.list()).toEqual(['two', 'one']);
    flash.erase('two');
    expect(flash.list()).toEqual(['one']);
    expect(flash.read('two')).toBeUndefined();
    expect(flash.readString('one')).toBe('uno');
  });

  it('compacts by itself when full, then reports a file that cannot fit', () => {
    const flash = new FlashStorage({ capacityBytes: 4096 });
    const kb = new Uint8Array(1000).fill(65);
    flash.write('a', kb);
    flash.write('a', kb.map(() => 66)); // old copy becomes trash
    flash.write('a', kb.map(() => 67));
    flash.write('b', kb); // needs the trash reclaimed
    expect(flash.getStats().trashBytes).toBe(0);
    expect(flash.list().sort()).toEqual(['a', 'b']);
    expect(() => flash.write('c', new Uint8Array(3000).fill(1))).toThrow(StorageError);
  });

  it('persists every change to its backing file and reloads it', () => {
    const path = join(tempDir(), 'flash.json');
    const flash = new FlashStorage({ capacityBytes: 64 * 1024, path });
    flash.write('cfg', text('{"a":1}'));
    flash.write('buf', new Uint8Array([0, 255, 7]), 0, 5);
    flash.erase('cfg');
    const again = new FlashStorage({ capacityBytes: 64 * 1024, path });
    expect(again.list()).toEqual(['buf']);
    expect([...again.read('buf')!]).toEqual([0, 255, 7, 255, 255]);
    expect(again.getStats().trashCount).toBe(1);
    expect(JSON.parse(readFileSync(path, 'utf8')).format).toBe('spruce-sim-storage/1');
  });

  it('failAfterBytes cuts a write after n bytes, keeps what was programmed, and throws PowerLoss', () => {
    const path = join(tempDir(), 'flash.json');
    const flash = new FlashStorage({ capacityBytes: 64 * 1024, path });
    flash.write('keep', text('safe'));
    flash.failAfterBytes(3);
    expect(() => flash.write('torn', text('ABCDEFGH'), 0, 10)).toThrow(PowerLoss);
    expect(str(flash.read('torn'))).toBe('ABC\xff\xff\xff\xff\xff\xff\xff');
    expect(flash.powerBudgetRemaining).toBeUndefined(); // disarmed after the cut
    const reloaded = new FlashStorage({ capacityBytes: 64 * 1024, path });
    expect(str(reloaded.read('torn'))).toBe('ABC\xff\xff\xff\xff\xff\xff\xff');
    expect(str(reloaded.read('keep'))).toBe('safe');
    // A budget larger than the write lets it through and keeps counting.
    flash.failAfterBytes(10);
    flash.write('x', text('12345'));
    expect(flash.powerBudgetRemaining).toBe(5);
  });
});

describe('StorageFile (open(name, mode))', () => {
  it('appends across chunks and reads lines back', () => {
    const flash = new FlashStorage({ capacityBytes: 256 * 1024, pageBytes: 64 });
    const w = new StorageFileHandle(flash, 'log', 'a');
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i} ${'x'.repeat(i * 3)}\n`);
    for (const line of lines) w.write(text(line));
    expect(flash.list().length).toBeGreaterThan(1); // chunked: log\x01, log\x02, ...
    const again = new StorageFileHandle(flash, 'log', 'a');
    again.write(text('tail\n'));
    const r = new StorageFileHandle(flash, 'log', 'r');
    const read: string[] = [];
    for (let line = r.readLine(); line !== undefined; line = r.readLine()) read.push(str(line)!);
    expect(read).toEqual([...lines, 'tail\n']);
    expect(r.getLength()).toBe([...lines, 'tail\n'].join('').length);
  });

  it('reads by length, refuses 0xFF, and "w" starts afresh', () => {
    const flash = new FlashStorage({ capacityBytes: 64 * 1024 });
    const f = new StorageFileHandle(flash, 'data', 'w');
    f.write(text('abcdef'));
    expect(() => f.write(new Uint8Array([1, 255]))).toThrow(/255/);
    const r = new StorageFileHandle(flash, 'data', 'r');
    expect(str(r.read(4))).toBe('abcd');
    expect(str(r.read(4))).toBe('ef');
    expect(r.read(4)).toBeUndefined();
    new StorageFileHandle(flash, 'data', 'w').write(text('new'));
    expect(str(new StorageFileHandle(flash, 'data', 'r').read(100))).toBe('new');
    new StorageFileHandle(flash, 'data', 'r').erase();
    expect(flash.list()).toEqual([]);
  });
});

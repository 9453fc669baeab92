import { describe, expect, it } from 'vitest';
import { nextBoot } from './boot.ts';
import { isPowerCut, MemoryFlash } from './flash-memory.ts';

/** Boots until one completes, cutting the power after `cut` steps on the first attempt. */
function bootWithCut(flash: MemoryFlash, cut: number, ticks: number): { value: number; wasCut: boolean } {
  flash.cutAfter(cut);
  try {
    const value = nextBoot(flash, ticks);
    flash.powerOn();
    return { value, wasCut: false };
  } catch (error) {
    if (!isPowerCut(error)) throw error;
    flash.powerOn();
    return { value: nextBoot(flash, ticks), wasCut: true };
  }
}

describe('boot counter', () => {
  it('counts 1, 2, 3 ... across folds of the tick file', () => {
    const flash = new MemoryFlash();
    for (let i = 1; i <= 50; i++) expect(nextBoot(flash, 8)).toBe(i);
    // Only the two base slots and one tick file remain.
    expect(Object.keys(flash.files).sort()).toEqual(['sp.b0', 'sp.b1', 'sp.t6']);
  });

  it('never repeats or goes backwards with a power cut at every step of every boot', () => {
    const ticks = 4;
    const flash = new MemoryFlash();
    let last = 0;
    for (let boot = 0; boot < 30; boot++) {
      // Try every cut point of this boot on copies; each recovery must pass every value used so far.
      for (let cut = 0; ; cut++) {
        const copy = flash.clone();
        const { value, wasCut } = bootWithCut(copy, cut, ticks);
        expect(value).toBeGreaterThan(last);
        if (!wasCut) break;
        // A second boot after the recovered one keeps going up.
        expect(nextBoot(copy, ticks)).toBeGreaterThan(value);
      }
      const value = nextBoot(flash, ticks);
      expect(value).toBeGreaterThan(last);
      last = value;
    }
  });

  it('stays strictly increasing along a long random history of cuts', () => {
    const flash = new MemoryFlash();
    let last = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let boot = 0; boot < 2000; boot++) {
      const cut = random() < 0.3 ? Math.floor(random() * 40) : -1;
      const { value } = bootWithCut(flash, cut, 16);
      expect(value).toBeGreaterThan(last);
      last = value;
    }
  });

  it('folds a full tick file of another size (firmware built with another TICKS)', () => {
    const flash = new MemoryFlash();
    for (let i = 1; i <= 3; i++) expect(nextBoot(flash, 3)).toBe(i);
    expect(nextBoot(flash, 8)).toBe(4); // the old 3-byte file is full: fold, then count on
    expect(nextBoot(flash, 8)).toBe(5);
  });

  it('writes one byte per boot in place between folds', () => {
    const flash = new MemoryFlash();
    nextBoot(flash, 512);
    const journal = flash.bytesWritten;
    const inPlace = flash.inPlaceBytes;
    for (let i = 0; i < 100; i++) nextBoot(flash, 512);
    expect(flash.bytesWritten).toBe(journal);
    expect(flash.inPlaceBytes - inPlace).toBe(100);
  });
});

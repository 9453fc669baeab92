/**
 * One contract, two flashes (DESIGN.md principle 4): the persistence code (boot counter, A/B slots,
 * outbox) is run against the in-memory fake the unit tests use (firmware/core/flash-memory.ts) and
 * against the virtual board's own Storage model (host/sim/storage.ts), with a power cut after
 * every number of programmed bytes. If the fake and the board's Storage ever disagree about what
 * a cut leaves behind, one of these fails.
 */
import { describe, expect, it } from 'vitest';
import { nextBoot } from '../firmware/core/boot.ts';
import type { Flash } from '../firmware/core/flash.ts';
import { isPowerCut, MemoryFlash } from '../firmware/core/flash-memory.ts';
import { outboxEntries, outboxLine, outboxPut } from '../firmware/core/outbox.ts';
import { loadSlot, saveSlot } from '../firmware/core/slots.ts';
import { bytesOf, FlashStorage, PowerLoss } from '../host/sim/index.ts';

interface CuttableFlash extends Flash {
  /** Lets `bytes` more bytes be programmed, then cuts the power (throws). */
  cut(bytes: number): void;
  /** Power back on, nothing armed. */
  restore(): void;
}

const implementations: [string, () => CuttableFlash, (error: unknown) => boolean][] = [
  ['MemoryFlash (unit-test fake)', () => {
    const flash = new MemoryFlash() as MemoryFlash & CuttableFlash;
    // MemoryFlash counts erase and header steps too; skipping them makes budgets comparable.
    flash.cut = (bytes) => flash.cutAfter(bytes + 2);
    flash.restore = () => flash.powerOn();
    return flash;
  }, isPowerCut],
  ['FlashStorage (virtual board)', () => {
    const storage = new FlashStorage({ capacityBytes: 256 * 1024 });
    return {
      read: (name) => storage.readString(name),
      write: (name, data, offset, size) => storage.write(name, bytesOf(data), offset, size),
      erase: (name) => storage.erase(name),
      list: () => storage.list(),
      cut: (bytes) => storage.failAfterBytes(bytes),
      restore: () => storage.failAfterBytes(undefined),
    };
  }, (error) => error instanceof PowerLoss],
];

const line = (boot: number, seq: number) => `@s1 {"dev":"c1","boot":${boot},"seq":${seq},"k":"s","d":{"n":15,"t":2101}} ${'9e'.repeat(32)}`;

for (const [name, create, isCut] of implementations) {
  describe(`persistence contract on ${name}`, () => {
    function attempt(flash: CuttableFlash, bytes: number, action: () => void): boolean {
      flash.cut(bytes);
      try {
        action();
        flash.restore();
        return false;
      } catch (error) {
        if (!isCut(error)) throw error;
        flash.restore();
        return true;
      }
    }

    it('outbox: a put cut after any byte leaves the other frames intact and itself torn or absent', () => {
      for (let bytes = 0; ; bytes++) {
        const flash = create();
        outboxPut(flash, 's', 1, 0, line(1, 0), 10);
        outboxPut(flash, 's', 1, 1, line(1, 1), 10);
        const cut = attempt(flash, bytes, () => outboxPut(flash, 's', 2, 0, line(2, 0), 10));
        const lines = outboxEntries(flash).map((entry) => outboxLine(flash, entry));
        if (!cut) {
          expect(lines).toEqual([line(1, 0), line(1, 1), line(2, 0)]);
          expect(bytes).toBeGreaterThan(line(2, 0).length); // every byte offset was tried before
          break;
        }
        expect(lines.slice(0, 2)).toEqual([line(1, 0), line(1, 1)]);
        expect(lines.slice(2).every((l) => l === null)).toBe(true); // torn: read as null (and erased)
        expect(outboxEntries(flash)).toHaveLength(2);
      }
    });

    it('slots: a save cut after any byte keeps the previous value', () => {
      for (let bytes = 0; ; bytes++) {
        const flash = create();
        saveSlot(flash, 'st', 1, { a: 1 });
        saveSlot(flash, 'st', 2, { a: 2 });
        const cut = attempt(flash, bytes, () => saveSlot(flash, 'st', 3, { a: 3, pad: 'x'.repeat(40) }));
        const slot = loadSlot<{ a: number }>(flash, 'st')!;
        if (!cut) {
          expect(slot.v.a).toBe(3);
          break;
        }
        expect(slot).toEqual({ g: 2, v: { a: 2 } });
      }
    });

    it('boot counter: a cut after any byte of a fold never lets a value repeat', () => {
      for (let bytes = 0; ; bytes++) {
        const flash = create();
        for (let i = 1; i <= 4; i++) expect(nextBoot(flash, 4)).toBe(i);
        let value = 0;
        const cut = attempt(flash, bytes, () => { value = nextBoot(flash, 4); }); // the fold
        const after = nextBoot(flash, 4);
        expect(after).toBeGreaterThan(4);
        if (!cut) {
          expect(value).toBe(5);
          expect(after).toBe(6);
          break;
        }
      }
    });
  });
}

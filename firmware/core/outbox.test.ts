import { describe, expect, it } from 'vitest';
import { isPowerCut, MemoryFlash } from './flash-memory.ts';
import { outboxAck, outboxEntries, outboxLine, outboxPut } from './outbox.ts';

const line = (boot: number, seq: number, k = 's') =>
  `@s1 {"dev":"n1","boot":${boot},"seq":${seq},"k":"${k}","d":{"n":15}} ${'0f'.repeat(32)}`;

function lines(flash: MemoryFlash): string[] {
  return outboxEntries(flash).map((entry) => outboxLine(flash, entry)).filter((l): l is string => l !== null);
}

describe('outbox', () => {
  it('keeps frames oldest first until they are acknowledged', () => {
    const flash = new MemoryFlash();
    outboxPut(flash, 's', 10, 1, line(10, 1), 10);
    outboxPut(flash, 'c', 2, 0, line(2, 0, 'c'), 10);
    outboxPut(flash, 's', 10, 0, line(10, 0), 10);
    expect(outboxEntries(flash).map((e) => [e.boot, e.seq, e.kind])).toEqual([[2, 0, 'c'], [10, 0, 's'], [10, 1, 's']]);
    expect(outboxAck(flash, 10, 0)).toBe(true);
    expect(outboxAck(flash, 10, 0)).toBe(false);
    expect(lines(flash)).toEqual([line(2, 0, 'c'), line(10, 1)]);
  });

  it('ignores files that are not outbox frames, even with the prefix', () => {
    const flash = new MemoryFlash();
    outboxPut(flash, 's', 3, 1, line(3, 1), 10);
    for (const name of ['sp.o', 'sp.os', 'sp.os3', 'sp.os_1', 'sp.os3_', 'sp.osx_1', 'sp.os3_y', 'sp.s0', 'xsp.os1_1']) flash.write(name, 'junk');
    expect(outboxEntries(flash).map((e) => e.name)).toEqual(['sp.os3_1']);
    expect(outboxAck(flash, 3, 1)).toBe(true);
  });

  it('when full drops the oldest reading/summary/status/error before any class change, and counts', () => {
    const flash = new MemoryFlash();
    outboxPut(flash, 'c', 1, 0, line(1, 0, 'c'), 4);
    outboxPut(flash, 'e', 1, 1, line(1, 1, 'e'), 4);
    outboxPut(flash, 's', 2, 0, line(2, 0, 's'), 4);
    outboxPut(flash, 't', 3, 0, line(3, 0, 't'), 4);
    expect(outboxPut(flash, 'c', 4, 0, line(4, 0, 'c'), 4)).toBe(1); // the summary goes
    expect(outboxEntries(flash).map((e) => e.kind + e.boot)).toEqual(['c1', 'e1', 't3', 'c4']);
    expect(outboxPut(flash, 's', 5, 0, line(5, 0, 's'), 4)).toBe(1); // then the status
    expect(outboxPut(flash, 's', 6, 0, line(6, 0, 's'), 4)).toBe(1); // then the oldest summary
    expect(outboxEntries(flash).map((e) => e.kind + e.boot)).toEqual(['c1', 'e1', 'c4', 's6']);
    outboxPut(flash, 'c', 7, 0, line(7, 0, 'c'), 4); // s6
    outboxPut(flash, 'c', 8, 0, line(8, 0, 'c'), 4); // e1
    expect(outboxPut(flash, 'c', 9, 0, line(9, 0, 'c'), 4)).toBe(1); // only class changes left: the oldest
    expect(outboxEntries(flash).map((e) => e.kind + e.boot)).toEqual(['c4', 'c7', 'c8', 'c9']);
  });

  it('a put cut at every byte offset leaves its neighbours intact and is detected as torn', () => {
    const base = new MemoryFlash();
    outboxPut(base, 's', 1, 0, line(1, 0), 10);
    outboxPut(base, 'c', 1, 1, line(1, 1, 'c'), 10);
    const victimLine = line(2, 0);
    const steps = victimLine.length + 9 + 1; // record header, bytes, file header step
    let complete = 0;
    for (let cut = 0; cut <= steps + 1; cut++) {
      const flash = base.clone();
      flash.cutAfter(cut);
      let wasCut = false;
      try {
        outboxPut(flash, 's', 2, 0, victimLine, 10);
      } catch (error) {
        expect(isPowerCut(error)).toBe(true);
        wasCut = true;
      }
      flash.powerOn();
      const after = lines(flash);
      expect(after.slice(0, 2)).toEqual([line(1, 0), line(1, 1, 'c')]);
      if (wasCut) expect(after).toHaveLength(2); // torn: detected, erased, never sent
      else { expect(after).toEqual([line(1, 0), line(1, 1, 'c'), victimLine]); complete++; }
      // The outbox works on after recovery.
      outboxPut(flash, 's', 3, 0, line(3, 0), 10);
      expect(lines(flash).slice(-1)).toEqual([line(3, 0)]);
      expect(Object.keys(flash.files).filter((n) => n.startsWith('sp.o'))).toHaveLength(after.length + 1);
    }
    expect(complete).toBeGreaterThan(0);
  });

  it('a cut while dropping or acknowledging never damages another frame', () => {
    const base = new MemoryFlash();
    for (let i = 0; i < 3; i++) outboxPut(base, 's', i, 0, line(i, 0), 3);
    for (let cut = 0; cut < 5; cut++) {
      const flash = base.clone();
      flash.cutAfter(cut);
      try { outboxPut(flash, 'c', 9, 0, line(9, 0, 'c'), 3); } catch (error) { expect(isPowerCut(error)).toBe(true); }
      flash.powerOn();
      for (const l of lines(flash)) expect([line(0, 0), line(1, 0), line(2, 0), line(9, 0, 'c')]).toContain(l);
      const ack = base.clone();
      ack.cutAfter(cut === 0 ? 0 : -1);
      try { outboxAck(ack, 1, 0); } catch (error) { expect(isPowerCut(error)).toBe(true); }
      ack.powerOn();
      expect(lines(ack)).toContain(line(0, 0));
      expect(lines(ack)).toContain(line(2, 0));
    }
  });
});

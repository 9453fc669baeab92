import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WindowedMessageIdProvider } from './message-ids.ts';

describe('WindowedMessageIdProvider', () => {
  it('never hands out an id that is still in flight, across many wraps', () => {
    const ids = new WindowedMessageIdProvider();
    const inFlight: number[] = [];
    const stuck = ids.allocate()!; // one message that never gets its PUBACK
    // Checked with plain comparisons and one expect at the end: 900,000 expect() calls took ~20 s.
    const bad: { i: number; id: number | null }[] = [];
    for (let i = 0; i < 300_000; i++) {
      const id = ids.allocate();
      if (id === null || id === stuck || id < 1 || id > 65535) bad.push({ i, id });
      if (id === null) break;
      inFlight.push(id);
      if (inFlight.length > 1000) ids.deallocate(inFlight.shift()!);
    }
    expect(bad).toEqual([]);
  });

  it('returns null when all 65,535 ids are in use, instead of reusing one', () => {
    const ids = new WindowedMessageIdProvider();
    for (let i = 0; i < 65535; i++) expect(ids.allocate()).not.toBeNull();
    expect(ids.allocate()).toBeNull();
    ids.deallocate(77);
    expect(ids.allocate()).toBe(77);
  });

  it('property: allocated ids are unique among those in use', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('a' as const), fc.nat({ max: 50 })), { maxLength: 400 }), (ops) => {
        const ids = new WindowedMessageIdProvider();
        const live: number[] = [];
        for (const op of ops) {
          if (op === 'a') {
            const id = ids.allocate()!;
            expect(live.includes(id)).toBe(false);
            live.push(id);
          } else if (live.length > 0) {
            ids.deallocate(live.splice(op % live.length, 1)[0]!);
          }
        }
        expect(ids.inUseCount).toBe(live.length);
      }),
    );
  });
});

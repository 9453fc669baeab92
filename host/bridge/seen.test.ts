import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ABOVE_FLOOR, MAX_BOOTS, SeenState } from './seen.ts';

describe('SeenState', () => {
  it('tracks pairs per device and boot, in any order', () => {
    const s = new SeenState();
    expect(s.add('a', 1, 2)).toBe(true);
    expect(s.add('a', 1, 0)).toBe(true);
    expect(s.check('a', 1, 1)).toBe('new');
    expect(s.add('a', 1, 1)).toBe(true);
    expect(s.check('a', 1, 2)).toBe('seen');
    expect(s.check('b', 1, 2)).toBe('new');
    expect(s.add('a', 1, 2)).toBe(false);
  });

  it('survives a JSON round trip', () => {
    const s = new SeenState();
    s.add('a', 3, 0);
    s.add('a', 3, 5);
    const t = SeenState.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(t.check('a', 3, 0)).toBe('seen');
    expect(t.check('a', 3, 5)).toBe('seen');
    expect(t.check('a', 3, 1)).toBe('new');
  });

  it('forgets old boots beyond the bound and calls them stale', () => {
    const s = new SeenState();
    for (let boot = 0; boot <= MAX_BOOTS; boot++) s.add('a', boot, 0);
    expect(s.check('a', 0, 1)).toBe('stale');
    expect(s.check('a', MAX_BOOTS, 1)).toBe('new');
  });

  it('bounds the seqs kept above a gap', () => {
    const s = new SeenState();
    for (let seq = 1; seq <= MAX_ABOVE_FLOOR + 1; seq++) s.add('a', 1, seq);
    expect(s.check('a', 1, 0)).toBe('seen'); // the gap was given up
    expect(s.check('a', 1, MAX_ABOVE_FLOOR + 2)).toBe('new');
  });

  it('property: add returns true exactly once per pair', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })), { maxLength: 200 }), (pairs) => {
        const s = new SeenState();
        const ref = new Set<string>();
        for (const [boot, seq] of pairs) {
          expect(s.add('d', boot, seq)).toBe(!ref.has(`${boot}:${seq}`));
          ref.add(`${boot}:${seq}`);
          expect(s.check('d', boot, seq)).toBe('seen');
        }
      }),
    );
  });
});

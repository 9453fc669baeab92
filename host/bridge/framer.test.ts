import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineFramer } from './framer.ts';

function collect(maxLine: number) {
  const lines: string[] = [];
  let overlong = 0;
  const framer = new LineFramer((l) => lines.push(l), maxLine, () => overlong++);
  return { framer, lines, overlong: () => overlong };
}

/** Splits bytes into chunks at the given cut points. */
function chunk(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.subarray(start, p));
    start = p;
  }
  out.push(bytes.subarray(start));
  return out;
}

describe('LineFramer', () => {
  it('splits lines, strips CR, keeps partial lines across chunks', () => {
    const { framer, lines } = collect(100);
    framer.push(Buffer.from('ab'));
    framer.push(Buffer.from('c\r\nde'));
    framer.push(Buffer.from('f\n\n'));
    expect(lines).toEqual(['abc', 'def', '']);
  });

  it('discards an over-long line up to the next newline and counts it once', () => {
    const { framer, lines, overlong } = collect(10);
    framer.push(Buffer.from('0123456789ABCDEF'));
    framer.push(Buffer.from('more garbage'));
    framer.push(Buffer.from(' still\nok\n'));
    expect(lines).toEqual(['ok']);
    expect(overlong()).toBe(1);
    expect(framer.stats.overlong).toBe(1);
  });

  it('accepts a line of exactly maxLine bytes, with or without CR', () => {
    const { framer, lines, overlong } = collect(4);
    framer.push(Buffer.from('abcd\nabcd\r\nabcde\n'));
    expect(lines).toEqual(['abcd', 'abcd']);
    expect(overlong()).toBe(1);
  });

  it('reset() drops half a line so it is never glued to the next', () => {
    const { framer, lines } = collect(100);
    framer.push(Buffer.from('@s1 {"half'));
    framer.reset();
    framer.push(Buffer.from('whole\n'));
    expect(lines).toEqual(['whole']);
  });

  it('property: lines come out exactly once and in order under any chunking', () => {
    const line = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ''));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 20 }), (input, cuts) => {
        const { framer, lines, overlong } = collect(200);
        const bytes = Buffer.from(input.map((l) => l + '\n').join(''), 'latin1');
        for (const part of chunk(bytes, cuts)) framer.push(part);
        expect(lines).toEqual(input.map((l) => Buffer.from(l, 'latin1').toString('latin1')));
        expect(overlong()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('property: arbitrary bytes never throw and never buffer past the cap', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }), fc.integer({ min: 1, max: 64 }), (chunks, cap) => {
        const { framer, lines } = collect(cap);
        for (const c of chunks) {
          framer.push(c);
          expect(framer.pendingBytes).toBeLessThanOrEqual(cap + 1);
        }
        for (const l of lines) expect(l.length).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 300 },
    );
  });
});

import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256Key } from './hmac-sha256.ts';

/** The reference: Node's HMAC over the same characters taken as latin1. */
function reference(key: Uint8Array, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'latin1').digest();
}

function digest(key: Uint8Array, text: string, start = 0, end = text.length): Buffer {
  const out = Buffer.alloc(32);
  new HmacSha256Key(key).digestLatin1(text, start, end, out);
  return out;
}

describe('HmacSha256Key', () => {
  it('matches createHmac at every length around the block and padding boundaries', () => {
    const key = Buffer.from('0123456789abcdef'.repeat(4), 'hex');
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(digest(key, text).toString('hex'), `length ${length}`).toBe(reference(key, text).toString('hex'));
    }
  });

  it('matches the RFC 4231 test case 2 ("Jefe")', () => {
    expect(digest(Buffer.from('Jefe'), 'what do ya want for nothing?').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('property: equals createHmac for any key up to 64 bytes, any text and any slice of it', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 64 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.nat(),
        fc.nat(),
        (key, text, a, b) => {
          const start = text.length === 0 ? 0 : a % (text.length + 1);
          const end = start + (text.length - start === 0 ? 0 : b % (text.length - start + 1));
          expect(digest(key, text, start, end)).toEqual(reference(key, text.slice(start, end)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reuses no state between keys or calls (interleaved keys give each its own MAC)', () => {
    const a = new HmacSha256Key(Buffer.alloc(32, 1));
    const b = new HmacSha256Key(Buffer.alloc(32, 2));
    const out = Buffer.alloc(32);
    for (const text of ['one', 'two'.repeat(40), '']) {
      a.digestLatin1(text, 0, text.length, out);
      expect(out).toEqual(reference(Buffer.alloc(32, 1), text));
      b.digestLatin1(text, 0, text.length, out);
      expect(out).toEqual(reference(Buffer.alloc(32, 2), text));
    }
  });

  it('refuses keys longer than one block instead of computing a wrong MAC', () => {
    expect(() => new HmacSha256Key(Buffer.alloc(65))).toThrow(RangeError);
  });
});

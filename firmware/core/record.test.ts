import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord, fletcher16 } from './record.ts';

describe('record', () => {
  it('round-trips ASCII payloads, with trailing unwritten bytes ignored', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 1, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 300 }), (payload) => {
      expect(decodeRecord(encodeRecord(payload))).toBe(payload);
      expect(decodeRecord(encodeRecord(payload) + '\xff\xff')).toBe(payload);
    }));
  });

  it('rejects every torn prefix (tail left as 0xFF) and missing files', () => {
    const record = encodeRecord('@s1 {"dev":"a","boot":3,"seq":1,"k":"s","d":{"n":15}} ' + 'ab'.repeat(32));
    for (let cut = 0; cut < record.length; cut++) {
      const torn = record.slice(0, cut) + '\xff'.repeat(record.length - cut);
      expect(decodeRecord(torn)).toBeNull();
    }
    expect(decodeRecord(undefined)).toBeNull();
  });

  it('rejects a damaged header: marker, length digits (hex, non-hex, too long) and checksum', () => {
    const record = encodeRecord('{"g":3,"v":{"e":0,"b":512}}');
    const at = (i: number, c: string) => record.slice(0, i) + c + record.slice(i + 1);
    expect(decodeRecord(at(0, '$'))).toBeNull();
    for (let i = 1; i < 9; i++) {
      for (const c of ['g', '\xff', '-', 'F']) expect(decodeRecord(at(i, c)), `${i} ${c}`).toBeNull();
      // Another valid hex digit: a different length or checksum than the payload has.
      expect(decodeRecord(at(i, record[i] === '0' ? '1' : '0'))).toBeNull();
    }
    expect(decodeRecord(record.slice(0, 9))).toBeNull(); // header alone, payload missing
    expect(decodeRecord('')).toBeNull();
    expect(decodeRecord(encodeRecord(''))).toBe(''); // an empty payload is still a valid record
  });

  it('fletcher16 matches a known value', () => {
    expect(fletcher16('abcde')).toBe(0xc8f0);
  });
});

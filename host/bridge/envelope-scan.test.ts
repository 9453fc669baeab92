import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanEnvelope, type ScannedEnvelope } from './envelope-scan.ts';
import { parseEnvelope } from './verify.ts';

function fresh(): ScannedEnvelope {
  return { dev: '', boot: -1, seq: -1, k: '', dJson: '' };
}

/** The general path: what the scanner must agree with whenever it accepts. */
function general(json: string): ScannedEnvelope | null {
  const envelope = parseEnvelope(json);
  if (!envelope) return null;
  return { dev: envelope.dev, boot: envelope.boot, seq: envelope.seq, k: envelope.k, dJson: JSON.stringify(envelope.d) };
}

/** Scans json embedded in a frame-like line, as the verifier does (offsets, not a slice). */
function scan(json: string): ScannedEnvelope | null {
  const line = '@s1 ' + json + ' ' + 'ab'.repeat(32);
  const out = fresh();
  return scanEnvelope(line, 4, 4 + json.length, out) ? out : null;
}

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const anyKey = fc.oneof(printable, fc.constantFrom('0', '1', '__proto__', 'a', 'b', 'é', 'x\\"y'));
const leaf = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.constantFrom(0, -0, 1.5, 1e21, 123456789012345, 1234567890123456, true, false, null),
  printable,
  fc.string({ maxLength: 6 }),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(anyKey, tie('node'), { maxKeys: 4 })),
})).node;
const envelopeObject = fc.record(
  {
    dev: fc.oneof(fc.constantFrom('bench0', 'd-1_x', 'A'.repeat(32), 'A'.repeat(33), '', 'bad id'), printable),
    boot: fc.oneof(fc.nat(), fc.constantFrom(-1, 1.5, 2 ** 53, '1')),
    seq: fc.oneof(fc.nat(), fc.constantFrom(-1, 0.5, 1e16)),
    k: fc.constantFrom('r', 'c', 's', 't', 'e', 'x', 'rr', 'toString', ''),
    d: fc.oneof(fc.dictionary(anyKey, value, { maxKeys: 5 }), value),
    extra: value,
  },
  { requiredKeys: [] },
);

describe('scanEnvelope', () => {
  it('property: whenever it accepts, it gives exactly what JSON.parse + parseEnvelope + JSON.stringify(d) give', () => {
    fc.assert(
      fc.property(envelopeObject, fc.boolean(), (object, pretty) => {
        const json = JSON.stringify(object, null, pretty ? 1 : undefined);
        const fast = scan(json);
        if (fast) expect(fast).toEqual(general(json));
      }),
      { numRuns: 3000 },
    );
  });

  it('property: accepts every compact envelope the firmware writes (integers, plain keys)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const plainKey = fc.stringMatching(/^[a-z_][a-z0-9_]{0,7}$/).filter((k) => k !== '__proto__');
    fc.assert(
      fc.property(id, fc.nat(), fc.nat(), fc.constantFrom('r', 'c', 's', 't', 'e'), fc.dictionary(plainKey, fc.oneof(fc.integer({ min: -1e9, max: 1e9 }), fc.array(fc.integer({ min: -999, max: 999 }), { maxLength: 4 }))), (dev, boot, seq, k, d) => {
        const json = JSON.stringify({ dev, boot, seq, k, d });
        const fast = scan(json);
        expect(fast).not.toBeNull();
        expect(fast).toEqual(general(json));
      }),
      { numRuns: 1000 },
    );
  });

  it('property: a mutated envelope is never accepted unless the general path accepts it the same way', () => {
    const base = JSON.stringify({ dev: 'bench1', boot: 3, seq: 17, k: 'r', d: { t: 2150, h: [1, 2], s: 'ok' } });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), fc.constantFrom('replace', 'insert', 'delete'), (at, char, how) => {
        const json = how === 'replace' ? base.slice(0, at) + char + base.slice(at + 1) : how === 'insert' ? base.slice(0, at) + char + base.slice(at) : base.slice(0, at) + base.slice(at + 1);
        const fast = scan(json);
        if (fast) expect(fast).toEqual(general(json));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves to the general path what does not print back the same, or repeats a key', () => {
    for (const json of [
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":1.0}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":-0}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":1e3}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":12345678901234567}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"b":1,"a":2,"1":3}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":1,"v":2}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"__proto__":1}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":"\\u0041"}}',
      '{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v": 1}}',
      '{"dev":"a","dev":"b","boot":1,"seq":2,"k":"r","d":{}}',
      '{"dev":"a","boot":01,"seq":2,"k":"r","d":{}}',
    ]) {
      expect(scan(json), json).toBeNull();
    }
    expect(scan('{"dev":"a","boot":1,"seq":2,"k":"r","d":{"v":[1,-2,{"x":null}],"w":"s t"},"extra":[true]}')).toEqual({
      dev: 'a',
      boot: 1,
      seq: 2,
      k: 'r',
      dJson: '{"v":[1,-2,{"x":null}],"w":"s t"}',
    });
  });
});

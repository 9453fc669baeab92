import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asciiJson, formatFrame, splitFrame } from '../../firmware/core/wire.ts';
import { classifyLine } from './classify.ts';
import { LineFramer } from './framer.ts';
import { SeenState } from './seen.ts';
import { Verifier, splitFrameInto } from './verify.ts';

const KEY = 'ab'.repeat(32);
const OTHER = 'cd'.repeat(32);

function sign(key: string, envelope: object): string {
  const json = asciiJson(envelope);
  return formatFrame(json, createHmac('sha256', Buffer.from(key, 'hex')).update(json, 'latin1').digest('hex'));
}

function verifier(): Verifier {
  return new Verifier({ dev1: KEY }, new SeenState());
}

const envelope = fc.record({
  dev: fc.constant('dev1'),
  boot: fc.nat({ max: 1000 }),
  seq: fc.nat({ max: 100000 }),
  k: fc.constantFrom('r', 'c', 's', 't', 'e'),
  d: fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.integer(), { maxKeys: 4 }),
});

describe('Verifier', () => {
  it('accepts a good frame once, then calls it a retransmission', () => {
    const v = verifier();
    const line = sign(KEY, { dev: 'dev1', boot: 1, seq: 0, k: 'r', d: { t: 215 } });
    const first = v.verify(line);
    expect(first.ok).toBe(true);
    if (first.ok) v.accept(first.frame.envelope);
    const again = v.verify(line);
    expect(again).toMatchObject({ ok: false, reason: 'replayed', retransmission: { boot: 1, seq: 0 } });
  });

  it('rejects by reason', () => {
    const v = verifier();
    expect(v.verify(sign(OTHER, { dev: 'dev1', boot: 1, seq: 0, k: 'r', d: {} }))).toMatchObject({ reason: 'forged' });
    expect(v.verify(sign(KEY, { dev: 'nobody', boot: 1, seq: 0, k: 'r', d: {} }))).toMatchObject({ reason: 'unknown-device' });
    expect(v.verify(sign(KEY, { dev: 'dev1', boot: -1, seq: 0, k: 'r', d: {} }))).toMatchObject({ reason: 'malformed' });
    expect(v.verify(sign(KEY, { dev: 'dev1', boot: 1, seq: 0, k: 'x', d: {} }))).toMatchObject({ reason: 'malformed' });
    expect(v.verify('@s1 {} ' + 'A'.repeat(64))).toMatchObject({ reason: 'malformed' });
    expect(v.verify('@s1 ' + 'x'.repeat(2000))).toMatchObject({ reason: 'overlong' });
  });

  it('property: a tampered frame (any byte of JSON or HMAC changed) is always rejected', () => {
    fc.assert(
      fc.property(envelope, fc.nat(), fc.integer({ min: 1, max: 255 }), (env, at, delta) => {
        const line = sign(KEY, env);
        const i = 4 + (at % (line.length - 4)); // never the prefix: that would just be noise
        const tampered = line.slice(0, i) + String.fromCharCode((line.charCodeAt(i) + delta) % 256) + line.slice(i + 1);
        const verdict = verifier().verify(tampered);
        expect(verdict.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('property: replays are always rejected and never accepted twice', () => {
    fc.assert(
      fc.property(fc.array(envelope, { maxLength: 40 }), (envs) => {
        const v = verifier();
        const accepted = new Set<string>();
        for (const env of [...envs, ...envs]) {
          const verdict = v.verify(sign(KEY, env));
          const id = `${env.boot}:${env.seq}`;
          if (verdict.ok) {
            expect(accepted.has(id)).toBe(false);
            accepted.add(id);
            v.accept(verdict.frame.envelope);
          } else {
            expect(verdict.reason).toBe('replayed');
            expect(accepted.has(id)).toBe(true);
          }
        }
      }),
    );
  });

  it('property: arbitrary strings never throw and are never accepted', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const verdict = verifier().verify('@s1 ' + text);
        expect(verdict.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('property: valid frames mixed with noise, arbitrarily chunked, come out exactly once and in order', () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 80 }).map((s) => s.replace(/\n/g, '')),
      fc.constantFrom('ets Jun  8 2016 00:22:57', '>', 'Uncaught Error: x', '@s1 {"dev":"dev1"} ' + '0'.repeat(64)),
      fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b.filter((x) => x !== 10)).toString('latin1')),
    );
    const item = fc.oneof(
      { arbitrary: noise.map((n) => ({ noise: n })), weight: 1 },
      { arbitrary: fc.constant({ frame: true }), weight: 2 },
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 15 }), fc.boolean(), (items, cuts, duplicateAll) => {
        const v = verifier();
        const expected: number[] = [];
        const out: number[] = [];
        let seq = 0;
        const lines: string[] = [];
        for (const it of items) {
          if ('noise' in it) {
            lines.push(it.noise);
          } else {
            const line = sign(KEY, { dev: 'dev1', boot: 7, seq, k: 'r', d: { v: seq } });
            expected.push(seq++);
            // Espruino decorates timer output printed while its prompt shows.
            lines.push(seq % 3 === 0 ? `>\r\x1b[J${line}\r` : line);
            if (duplicateAll) lines.push(line); // a retransmission right behind it
          }
        }
        const framer = new LineFramer((line) => {
          const kind = classifyLine(line);
          if (kind.type !== 'frame') return;
          const verdict = v.verify(kind.line);
          if (verdict.ok) {
            v.accept(verdict.frame.envelope);
            out.push(verdict.frame.envelope.seq);
          }
        }, 1024);
        const bytes = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let start = 0;
        for (const p of [...points, bytes.length]) {
          framer.push(bytes.subarray(start, p));
          start = p;
        }
        expect(out).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('property: splitFrameInto accepts exactly what splitFrame accepts, and decodes the MAC', () => {
    // Mostly lowercase hex, sometimes a character that must make the line "not a frame".
    const hexChar = fc.oneof({ weight: 200, arbitrary: fc.constantFrom(...'0123456789abcdef'.split('')) }, { weight: 1, arbitrary: fc.constantFrom('A', 'F', 'g', 'x', ' ', 'é') });
    const frameLike = fc
      .tuple(fc.constantFrom('@s1 ', '@s1', '@s2 ', ''), fc.string({ maxLength: 40 }), fc.constantFrom(' ', '', 'x'), fc.array(hexChar, { minLength: 60, maxLength: 66 }))
      .map(([prefix, json, space, mac]) => prefix + json + space + mac.join(''));
    const valid = envelope.map((env) => sign(KEY, env));
    fc.assert(
      fc.property(fc.oneof(frameLike, valid, fc.string({ unit: 'binary', maxLength: 120 })), (line) => {
        const mac = Buffer.alloc(32);
        const at = splitFrameInto(line, mac);
        const parts = splitFrame(line);
        expect(at >= 0).toBe(parts !== null);
        if (parts) {
          expect(line.slice(4, at - 1)).toBe(parts.json);
          expect(mac.toString('hex')).toBe(parts.hmac);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('authenticate() checks everything but the replay filter; verify() adds it', () => {
    const seen = new SeenState();
    const v = new Verifier({ dev1: KEY }, seen);
    const line = sign(KEY, { dev: 'dev1', boot: 1, seq: 0, k: 'r', d: { t: 215 } });
    seen.add('dev1', 1, 0);
    expect(v.authenticate(line)).toMatchObject({ ok: true, frame: { line, envelope: { dev: 'dev1', boot: 1, seq: 0 } } });
    expect(v.verify(line)).toMatchObject({ ok: false, reason: 'replayed' });
    expect(v.authenticate(sign(OTHER, { dev: 'dev1', boot: 1, seq: 1, k: 'r', d: {} }))).toMatchObject({ ok: false, reason: 'forged', dev: 'dev1' });
    // A MAC of the right length but in uppercase hex is not a frame (the wire uses lowercase).
    const upper = line.slice(0, -64) + 'ABCDEF'.repeat(10) + 'ABCD';
    expect(v.authenticate(upper)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

/**
 * The hand-built encodings on the bridge's hot path must stay byte-identical to the generic ones
 * they replaced: WAL 'a' records (readers and older logs), published payloads (consumers), and
 * bursts of PUBLISH packets (one buffer per burst).
 */
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { payloadFor, payloadJson } from './message.ts';
import { PublishPacket, concatPackets, encodePublish } from './publish-packet.ts';
import { acceptedJson, encodeAccepted, encodeRecord, readSegment, recordsBuffer } from './wal-files.ts';
import type { WalEntry } from './wal-files.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const anyText = fc.string({ unit: 'binary', maxLength: 80 });
const counter = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const entry: fc.Arbitrary<WalEntry> = fc.record({
  id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  dev: anyText,
  boot: counter,
  seq: counter,
  k: fc.oneof(fc.constantFrom('r', 'c', 's', 't', 'e'), anyText),
  line: fc.oneof(anyText, fc.string({ unit: 'binary', minLength: 70, maxLength: 300 })),
  src: anyText,
  at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});

/** The generic encoding the WAL used before: JSON.stringify of the record object. */
function genericRecord(e: WalEntry): string {
  const json = JSON.stringify({ t: 'a', id: e.id, dev: e.dev, boot: e.boot, seq: e.seq, k: e.k, line: e.line, src: e.src, at: e.at });
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

describe('WAL record encoding', () => {
  it('property: an accepted record is byte for byte the generic JSON encoding, with or without the escaped line given', () => {
    fc.assert(
      fc.property(entry, (e) => {
        expect(encodeAccepted(e)).toBe(genericRecord(e));
        expect(encodeAccepted({ ...e, lineJson: JSON.stringify(e.line), dJson: '{"x":1}' })).toBe(genericRecord(e));
        expect(encodeRecord({ t: 'a', ...e })).toBe(genericRecord(e));
      }),
      { numRuns: 500 },
    );
  });

  it('reads back what it writes (latin1 lines), and never writes the in-memory fields', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spruce-encoding-'));
    try {
      const e: WalEntry = { id: 7, dev: 'd1', boot: 2, seq: 3, k: 'r', line: '@s1 {"é":"\\u0001"} ' + 'ab'.repeat(32), src: 'ttyUSB0', at: 1_700_000_000_000, dJson: '{"v":1}', lineJson: undefined };
      writeFileSync(join(dir, 'wal-00000001.log'), Buffer.from(encodeAccepted(e) + encodeRecord({ t: 'p', ids: [7] }), 'latin1'));
      const { records, corrupt } = readSegment(join(dir, 'wal-00000001.log'), true);
      expect(corrupt).toBe(0);
      expect(records).toEqual([{ t: 'a', id: 7, dev: 'd1', boot: 2, seq: 3, k: 'r', line: e.line, src: 'ttyUSB0', at: e.at }, { t: 'p', ids: [7] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WAL records with the CRC computed over their bytes (ASCII records)', () => {
  const asciiText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
  const asciiEntry: fc.Arbitrary<WalEntry> = fc.record({
    id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    dev: asciiText,
    boot: counter,
    seq: counter,
    k: fc.constantFrom('r', 'c', 's', 't', 'e'),
    line: asciiText.map((t) => `@s1 {"v":"${t.replace(/["\\]/g, '')}"} ${'ab'.repeat(32)}`),
    src: asciiText,
    at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  });

  it('property: recordsBuffer writes the same bytes as the string encoding, mixed with complete lines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(asciiEntry, fc.boolean()), { minLength: 1, maxLength: 6 }), fc.array(entry, { maxLength: 2 }), (asciiEntries, others) => {
        const items = [...asciiEntries.map(([e, deferred]) => (deferred ? acceptedJson(e) : encodeAccepted(e))), ...others.map((e) => encodeAccepted(e)), encodeRecord({ t: 'p', ids: [1, 2] })];
        const expected = [...asciiEntries.map(([e]) => genericRecord(e)), ...others.map(genericRecord), encodeRecord({ t: 'p', ids: [1, 2] })].join('');
        expect(recordsBuffer(items)).toEqual(Buffer.from(expected, 'latin1'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('published payload', () => {
  const signedLine = fc
    .tuple(fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), fc.oneof(fc.integer(), fc.string({ unit: 'binary', maxLength: 8 })), { maxKeys: 4 }), fc.nat())
    .map(([d, seq]) => `@s1 ${JSON.stringify({ dev: 'd1', boot: 1, seq, k: 'r', d })} ${'0f'.repeat(32)}`);

  it('property: payloadJson is JSON.stringify(payloadFor) exactly, for live and recovered entries', () => {
    fc.assert(
      fc.property(entry, fc.oneof(signedLine, anyText), (base, line) => {
        const recovered: WalEntry = { ...base, line };
        expect(payloadJson(recovered)).toBe(JSON.stringify(payloadFor(recovered)));
        const json = line.slice(4, line.length - 65);
        let d: unknown = null;
        try {
          d = (JSON.parse(json) as { d?: unknown }).d ?? null;
        } catch {
          // not a frame: d stays null, as for a recovered entry
        }
        const live: WalEntry = { ...recovered, dJson: JSON.stringify(d), lineJson: JSON.stringify(line) };
        expect(payloadJson(live)).toBe(payloadJson(recovered));
        expect(JSON.parse(payloadJson(live))).toMatchObject({ dev: base.dev, boot: base.boot, seq: base.seq, line, src: base.src, receivedAt: new Date(base.at).toISOString() });
      }),
      { numRuns: 500 },
    );
  });
});

describe('PUBLISH bursts', () => {
  it('property: one buffer for a burst equals the packets encoded one by one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 65535 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 70 })), { minLength: 1, maxLength: 8 }),
        (specs) => {
          const packets = specs.map(([topic, id, payload, dev]) => new PublishPacket(5, topic, id, payload, ['dev', dev, 'boot', '1', 'seq', String(id)], 'application/json'));
          const one = Buffer.concat(specs.map(([topic, id, payload, dev]) => encodePublish({ topic, messageId: id, payload, userProperties: { dev, boot: '1', seq: String(id) }, contentType: 'application/json' }, 5)));
          expect(concatPackets(packets)).toEqual(one);
        },
      ),
      { numRuns: 200 },
    );
  });
});

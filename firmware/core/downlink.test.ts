import { describe, expect, it } from 'vitest';
import { ackPayload, interpretCommand, type DownlinkRules } from './downlink.ts';

const rules: DownlinkRules = {
  settings: { intervalS: { min: 10, max: 3600, integer: true }, co2Delta: { min: 1, max: 500, integer: true } },
  files: { model: 64 },
};

describe('downlink mailbox', () => {
  it('applies settings and a file, all-or-nothing', () => {
    const b64 = Buffer.from('abcdef').toString('base64');
    const o = interpretCommand(JSON.stringify({ id: 4, set: { intervalS: 120 }, file: { name: 'model', b64 } }), rules, 3);
    expect(o).toEqual({ ok: true, id: 4, settings: { intervalS: 120 }, file: { name: 'model', b64, bytes: 6 } });
    expect(ackPayload(o)).toBe('{"id":4,"ok":true}');
  });

  it('refuses unknown keys, wrong types and out-of-range values, naming the key', () => {
    const cases: [unknown, string, string?][] = [
      [{ id: 5, set: { intervalS: 5 } }, 'E_DL_RANGE', 'intervalS'],
      [{ id: 5, set: { intervalS: 60.5 } }, 'E_DL_TYPE', 'intervalS'],
      [{ id: 5, set: { intervalS: '60' } }, 'E_DL_TYPE', 'intervalS'],
      [{ id: 5, set: { intervalS: 60, wifiPassword: 1 } }, 'E_DL_UNKNOWN', 'wifiPassword'],
      [{ id: 5, file: { name: '.bootcde', b64: 'AAAA' } }, 'E_DL_UNKNOWN', '.bootcde'],
      [{ id: 5, file: { name: 'model', b64: 'A*AA' } }, 'E_DL_FILE', 'model'],
      [{ id: 5, file: { name: 'model', b64: Buffer.alloc(65).toString('base64') } }, 'E_DL_TOO_BIG', 'model'],
      [{ id: 5 }, 'E_DL_EMPTY'],
      [{ id: 0, set: {} }, 'E_DL_ID'],
      [{ id: 1.5, set: {} }, 'E_DL_ID'],
    ];
    for (const [cmd, code, key] of cases) {
      const o = interpretCommand(JSON.stringify(cmd), rules, 0);
      expect(o.ok).toBe(false);
      expect(o.code).toBe(code);
      expect(o.key).toBe(key);
      expect(o.settings).toEqual({});
      expect(o.file).toBeUndefined();
    }
    expect(interpretCommand('{nope', rules, 0).code).toBe('E_DL_JSON');
    expect(ackPayload(interpretCommand('{"id":9,"set":{"intervalS":1}}', rules, 0))).toBe('{"id":9,"ok":false,"code":"E_DL_RANGE","key":"intervalS"}');
  });

  it('treats a re-delivered command as a duplicate and the cleared mailbox as empty', () => {
    expect(interpretCommand('{"id":3,"set":{"intervalS":60}}', rules, 3)).toEqual({ ok: true, id: 3, duplicate: true, settings: {} });
    expect(interpretCommand('', rules, 3)).toEqual({ ok: true, id: -1, empty: true, settings: {} });
  });
});

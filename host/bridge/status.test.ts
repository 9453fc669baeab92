import { describe, expect, it } from 'vitest';
import { formatStatusLine, type BridgeStatus } from './status.ts';

const base: BridgeStatus = {
  time: '2026-01-01T00:00:00.000Z',
  uptimeS: 5,
  broker: { url: 'mqtt://127.0.0.1:1883/', connected: true, protocol: 5, inFlight: 0, connects: 1, lastError: null },
  received: 10,
  accepted: 8,
  forwarded: 7,
  queued: 1,
  replayed: 0,
  replayBacklog: 0,
  rejected: { 'unknown-device': 0, forged: 2, replayed: 0, malformed: 0, overlong: 0 },
  deferred: 0,
  reacked: 0,
  deviceErrors: 1,
  noise: 3,
  sinkRetries: 0,
  wal: { pendingBytes: 100, segments: 1, fsyncs: 3, full: null },
  inputs: [],
  memoryMB: 90,
};

describe('status line', () => {
  it('names counts, rejections by reason and the broker state', () => {
    expect(formatStatusLine(base)).toBe('bridge: rx 10 · fwd 7 · queued 1 · rejected 2 (forged 2) · replayed 0 · device errors 1 · broker up');
  });
  it('says loudly when the WAL is full and devices are not acknowledged', () => {
    const line = formatStatusLine({ ...base, broker: { ...base.broker, connected: false, lastError: 'connect ECONNREFUSED' }, deferred: 4, wal: { ...base.wal, full: 'size' } });
    expect(line).toContain('broker DOWN (connect ECONNREFUSED)');
    expect(line).toContain('deferred 4');
    expect(line).toContain('WAL FULL (size): not acknowledging devices');
  });
});

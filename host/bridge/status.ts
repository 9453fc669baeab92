/**
 * The bridge's status: one object (for --json, one per line) and one human line (periodic, stderr).
 */
import type { RunningBridge } from './run.ts';
import { redactUrl } from './mqtt-sink.ts';
import type { RejectReason } from './verify.ts';

export interface BridgeStatus {
  time: string;
  uptimeS: number;
  broker: { url: string; connected: boolean; protocol: number; inFlight: number; connects: number; lastError: string | null };
  received: number;
  accepted: number;
  forwarded: number;
  queued: number;
  replayed: number;
  replayBacklog: number;
  rejected: Record<RejectReason, number>;
  deferred: number;
  reacked: number;
  deviceErrors: number;
  noise: number;
  sinkRetries: number;
  wal: { pendingBytes: number; segments: number; fsyncs: number; full: string | null };
  inputs: Array<{ name: string; state: string }>;
  memoryMB: number;
}

export function bridgeStatus(running: RunningBridge, startedAt: number): BridgeStatus {
  const { bridge, wal, mqtt } = running;
  const c = bridge.counters;
  return {
    time: new Date().toISOString(),
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    broker: { url: redactUrl(running.brokerUrl), connected: mqtt.connected, protocol: mqtt.protocolVersion, inFlight: mqtt.inFlightCount, connects: mqtt.connects, lastError: mqtt.lastError },
    received: c.received,
    accepted: c.accepted,
    forwarded: c.forwarded,
    queued: bridge.queued,
    replayed: c.replayed,
    replayBacklog: bridge.replayBacklog,
    rejected: { ...c.rejected },
    deferred: c.deferred,
    reacked: c.reacked,
    deviceErrors: c.deviceErrors,
    noise: c.noise,
    sinkRetries: c.sinkRetries,
    wal: { pendingBytes: wal.pendingBytes, segments: wal.segmentCount, fsyncs: wal.stats.fsyncs, full: wal.fullReason() },
    inputs: running.inputs.map((input) => ({ name: input.name, state: input.state() })),
    memoryMB: Math.round(process.memoryUsage().rss / 1048576),
  };
}

export function formatStatusLine(s: BridgeStatus): string {
  const rejected = Object.entries(s.rejected)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  const totalRejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  const broker = s.broker.connected ? 'broker up' : `broker DOWN${s.broker.lastError ? ` (${s.broker.lastError})` : ''}`;
  const parts = [
    `rx ${s.received}`,
    `fwd ${s.forwarded}`,
    `queued ${s.queued}`,
    `rejected ${totalRejected}${rejected ? ` (${rejected})` : ''}`,
    `replayed ${s.replayed}${s.replayBacklog ? ` (+${s.replayBacklog} waiting)` : ''}`,
    `device errors ${s.deviceErrors}`,
    broker,
  ];
  if (s.deferred > 0) parts.push(`deferred ${s.deferred}`);
  if (s.wal.full) parts.push(`WAL FULL (${s.wal.full}): not acknowledging devices`);
  return `bridge: ${parts.join(' · ')}`;
}

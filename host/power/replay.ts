/**
 * Replays a day of sensor rows through the firmware's own code, wake by wake, in Node: the boot
 * counter, step(), signing and the outbox (firmware/core/wake.ts) on a MemoryFlash, the transmit
 * policy, and real MQTT sessions (firmware/core/mqtt/session.ts) against a real broker on
 * loopback. Bytes are counted on the wire; radio and awake TIME are not measured here (Node is
 * not an ESP32) but come from the board's power figures in model.ts.
 *
 * Two modes: 'policy' (what spruce does: batch, send on class changes within the latency bound)
 * and 'stream' (the baseline: wake, connect, publish the raw reading, every wake).
 */
import { createHash } from 'node:crypto';
import { beginWake, finishWake } from '../../firmware/core/wake.ts';
import { MemoryFlash } from '../../firmware/core/flash-memory.ts';
import { hmacSigner } from '../../firmware/core/hmac.ts';
import { withDefaults, type StepConfig } from '../../firmware/core/config.ts';
import type { Classifier, Readings } from '../../firmware/core/occupancy.ts';
import { afterSession, decide, initialPolicyState, type PolicyConfig, type PolicyState } from '../../firmware/core/policy.ts';
import { DEFAULT_SESSION, runSession, type FrameSource, type PendingFrame, type SessionResult } from '../../firmware/core/mqtt/session.ts';
import { flashMailbox, outboxFrames, outboxView } from '../../firmware/core/mqtt/stores.ts';
import type { DownlinkRules } from '../../firmware/core/downlink.ts';
import { asciiJson, formatFrame } from '../../firmware/core/wire.ts';
import type { OccupancyRow } from './dataset.ts';
import type { DayCounts } from './model.ts';
import { nodeClock, nodeConnector } from '../sim/node-transport.ts';

export interface ReplayOptions {
  rows: OccupancyRow[];
  mode: 'policy' | 'stream';
  /** Minutes between wakes; rows are sampled at this step. */
  wakeEveryMin: number;
  policy: PolicyConfig;
  step: Partial<StepConfig>;
  classify: Classifier;
  rules: DownlinkRules | null;
  brokerPort: number;
  dev?: string;
  /** Minutes of the day during which Wi-Fi is unreachable. */
  networkDown?: (minute: number) => boolean;
  /** Radio time charged for a failed session (the firmware's Wi-Fi timeout). */
  wifiTimeoutMs?: number;
  /** Virtual ms each wake waits for its sensors (the occupancy app: the SCD41's 5 s single shot). */
  sensorWaitMs: number;
  onProgress?: (wake: number, wakes: number) => void;
}

export interface ClassChange {
  boot: number;
  seq: number;
  queuedMin: number;
  deliveredMin: number | null;
}

export interface ReplayResult {
  counts: Omit<DayCounts, 'bundleBytes'>;
  /** MQTT bytes the device wrote / read (every packet, headers included). */
  bytesOut: number;
  bytesIn: number;
  framesQueued: number;
  changes: ClassChange[];
  /** Ground-truth label changes in the replayed rows (at the wake step). */
  truthChanges: number;
  /** Every line published to spruce/<dev>/up, for de-duplication checks by the caller. */
  delivered: PendingFrame[];
}

function rowReadings(row: OccupancyRow): Readings {
  return { t: row.t, h: row.h, c: row.c, l: row.l, faults: [] };
}

export async function replayDay(o: ReplayOptions): Promise<ReplayResult> {
  const dev = o.dev ?? 'power-sim';
  const flash = new MemoryFlash();
  const sha256 = (data: Uint8Array) => {
    const d = createHash('sha256').update(data).digest();
    return d.buffer.slice(d.byteOffset, d.byteOffset + d.length) as ArrayBuffer;
  };
  const identity = { dev, signer: hmacSigner(sha256, new Uint8Array(32).fill(7)) };
  const stepConfig = withDefaults({ ...o.step, periodMs: o.wakeEveryMin * 60_000 });
  const intervalS = o.wakeEveryMin * 60;
  const policy = { ...o.policy, wakeIntervalS: intervalS };
  let policyState: PolicyState = initialPolicyState();
  const result: ReplayResult = {
    counts: { periodMs: o.rows.length * 60_000, wakes: 0, firmwareAwakeMs: 0, sessions: 0, framesSent: 0, failedSessions: 0, failedRadioMs: 0 },
    bytesOut: 0,
    bytesIn: 0,
    framesQueued: 0,
    changes: [],
    truthChanges: 0,
    delivered: [],
  };
  const changeIndex = new Map<string, ClassChange>();
  let lastTruth = -1;
  const wakes = Math.floor(o.rows.length / o.wakeEveryMin);
  for (let w = 0; w < wakes; w++) {
    const minute = w * o.wakeEveryMin;
    const row = o.rows[minute];
    if (lastTruth >= 0 && row.occ !== lastTruth) result.truthChanges++;
    lastTruth = row.occ;
    o.onProgress?.(w, wakes);
    const boot = beginWake(flash);
    result.counts.wakes++;
    const status = { cause: w === 0 ? 0 : 4, flags: [], free: 12000, used: 4000, total: 16000 };
    let source: FrameSource;
    let send: boolean;
    if (o.mode === 'stream') {
      const json = asciiJson({ dev, boot, seq: 0, k: 'r', d: { t: row.t, h: row.h, l: row.l, c: row.c } });
      const frames: PendingFrame[] = [{ boot, seq: 0, line: formatFrame(json, identity.signer.signHex(json)) }];
      result.framesQueued++;
      source = { pending: (n) => frames.slice(0, n), ack: (b, s) => void frames.splice(frames.findIndex((f) => f.boot === b && f.seq === s), 1) };
      send = true;
    } else {
      const outcome = finishWake(flash, boot, identity, { readings: rowReadings(row), status }, stepConfig, o.classify);
      outcome.lines.forEach((line, seq) => {
        result.framesQueued++;
        if (line.includes('"k":"c"')) {
          const change = { boot, seq, queuedMin: minute, deliveredMin: null };
          result.changes.push(change);
          changeIndex.set(`${boot}/${seq}`, change);
        }
      });
      source = outboxFrames(flash);
      const view = outboxView(flash, intervalS, 200);
      send = decide(policy, policyState, view, boot * intervalS).send;
    }
    if (!send) continue;
    const down = o.networkDown?.(minute) ?? false;
    const tracking: FrameSource = {
      pending: (n) => source.pending(n),
      ack: (b, s) => {
        const line = source.pending(1000).find((f) => f.boot === b && f.seq === s);
        if (line) result.delivered.push(line);
        const change = changeIndex.get(`${b}/${s}`);
        if (change && change.deliveredMin === null) change.deliveredMin = minute;
        source.ack(b, s);
      },
    };
    const r = await new Promise<SessionResult>((resolve) =>
      runSession(
        { ...DEFAULT_SESSION, dev, ssid: 'office', wifiPassword: 'x', host: '127.0.0.1', port: o.brokerPort, maxFrames: 256, rules: o.mode === 'stream' ? null : o.rules },
        {
          wifiConnect: (_s, _p, _t, cb) => setImmediate(() => cb(down ? { ok: false, code: 'E_WIFI_TIMEOUT' } : { ok: true })),
          wifiOff: () => {},
          connector: nodeConnector,
          clock: nodeClock,
          frames: tracking,
          mailbox: flashMailbox(flash, (b64) => Buffer.from(b64, 'base64').toString('latin1')),
        },
        resolve,
      ),
    );
    result.bytesOut += r.bytesOut;
    result.bytesIn += r.bytesIn;
    if (r.ok) {
      result.counts.sessions++;
      result.counts.framesSent += r.sent;
    } else {
      result.counts.failedSessions++;
      result.counts.failedRadioMs += o.wifiTimeoutMs ?? DEFAULT_SESSION.wifiTimeoutMs;
    }
    policyState = afterSession(policy, policyState, r.ok, boot * intervalS, 0.5);
  }
  // The firmware waits for its sensors on every wake: awake time the model charges at idle current.
  result.counts.firmwareAwakeMs = result.counts.wakes * o.sensorWaitMs;
  return result;
}

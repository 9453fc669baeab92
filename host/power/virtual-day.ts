/**
 * Runs an app's real bundle on the virtual board for a simulated day, with the occupancy
 * dataset on its sensors and a real MQTT broker (aedes, in-process, loopback) behind its virtual
 * Wi-Fi, and counts what the power model needs: wakes, virtual time awake and with the radio on
 * (the board's meter), Wi-Fi sessions (the virtual network), frames and bytes that reached the
 * broker, and how long each class change took to get there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { VirtualBoard, occupancyReplay } from '../sim/index.ts';
import { networkOf } from '../sim/modules/board-network.ts';
import { splitFrame } from '../../firmware/core/wire.ts';
import { DEFAULT_SESSION } from '../../firmware/core/mqtt/session.ts';
import type { OccupancyRow } from './dataset.ts';
import type { DayCounts } from './model.ts';

export interface VirtualDayOptions {
  bundle: string;
  /** The app's Storage files (models), installed beside the bundle. */
  files?: Record<string, Uint8Array>;
  /** Settings sent through the downlink mailbox before the first wake (e.g. a schedule). */
  mailbox?: Record<string, number>;
  rows: OccupancyRow[];
  /** Virtual ms Wi-Fi takes to associate (the board's wifiConnectMs figure). */
  wifiConnectMs: number;
  dev?: string;
  /** Minutes of the day during which Wi-Fi is unreachable. */
  networkDown?: (minute: number) => boolean;
  onProgress?: (minute: number) => void;
}

export interface VirtualDayResult {
  counts: Omit<DayCounts, 'bundleBytes'>;
  meter: { wakes: number; awakeMs: number; lightSleepMs: number; asleepMs: number; radioMs: number; radioSessions: number };
  wifiAttempts: number;
  wifiConnects: number;
  /** TCP bytes the device wrote / read (MQTT packets, headers included). */
  bytesOut: number;
  bytesIn: number;
  /** Distinct (dev, boot, seq) frames that reached the broker, by kind. */
  framesByKind: Record<string, number>;
  duplicates: number;
  /** Class-change frames: when the wake that saw the change began and when the frame reached the broker (virtual ms). */
  changes: { boot: number; wokeMs: number; deliveredMs: number }[];
  /** Frames still in the outbox at the end of the day, and by kind (outbox files are sp.o<kind>...). */
  leftInOutbox: number;
  leftByKind: Record<string, number>;
  /** The (kind, boot) of each frame left, oldest first. */
  left: { kind: string; boot: number }[];
  /**
   * The device's label (rebuilt from its class-change frames) against the dataset's ground truth
   * at each wake after the first classification: how well this schedule still classifies.
   */
  agreement: { wakes: number; matching: number; truthChanges: number };
  bootMsPerWake: number;
  warnings: string[];
}

/** The day's rows as a CSV the virtual board's occupancy replay can read (t = 0 at midnight). */
function dayCsv(rows: OccupancyRow[], dir: string): string {
  const path = join(dir, 'day.csv');
  const pad = (n: number) => String(n).padStart(2, '0');
  const lines = rows.map((r) => `2015-02-03T${pad(Math.floor(r.minute / 60))}:${pad(r.minute % 60)}:00,${r.t / 100},${r.h / 100},${r.l},${r.c},0,${r.occ}`);
  writeFileSync(path, ['timestamp,temperature_c,humidity_pct,light_lux,co2_ppm,humidity_ratio,occupancy', ...lines].join('\n') + '\n');
  return path;
}

function agreement(truthAt: Map<number, number>, labelFrom: Map<number, number>): VirtualDayResult['agreement'] {
  let label = -1;
  let wakes = 0;
  let matching = 0;
  let truthChanges = 0;
  let lastTruth = -1;
  for (const [boot, truth] of [...truthAt.entries()].sort((a, b) => a[0] - b[0])) {
    if (labelFrom.has(boot)) label = labelFrom.get(boot)!;
    if (lastTruth >= 0 && truth !== lastTruth) truthChanges++;
    lastTruth = truth;
    if (label < 0 || truth < 0) continue;
    wakes++;
    if (label === truth) matching++;
  }
  return { wakes, matching, truthChanges };
}

export async function runVirtualDay(o: VirtualDayOptions): Promise<VirtualDayResult> {
  const dev = o.dev ?? 'power-1';
  const dir = mkdtempSync(join(tmpdir(), 'spruce-power-'));
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const replay = occupancyReplay(dayCsv(o.rows, dir));
  const board = new VirtualBoard({ sensors: { environment: replay.source } });
  const network = networkOf(board, { wifiConnectMs: o.wifiConnectMs });
  const seen = new Set<string>();
  const framesByKind: Record<string, number> = {};
  const changes: VirtualDayResult['changes'] = [];
  const wokeAt = new Map<number, number>();
  /** Ground truth at each boot, and the label each class change set (boot -> label). */
  const truthAt = new Map<number, number>();
  const labelFrom = new Map<number, number>();
  let duplicates = 0;
  board.on('wake', () => {
    const boot = wokeAt.size + 1;
    wokeAt.set(boot, board.clock.nowMs);
    truthAt.set(boot, replay.occupancyAt(board.clock.nowMs) ?? -1);
  });
  broker.on('publish', (packet, client) => {
    if (!client || packet.topic !== `spruce/${dev}/up`) return;
    const frame = splitFrame(packet.payload.toString('latin1'));
    if (!frame) return;
    const env = JSON.parse(frame.json) as { boot: number; seq: number; k: string; d: { to?: number } };
    const id = `${env.boot}/${env.seq}`;
    if (seen.has(id)) {
      duplicates++;
      return;
    }
    seen.add(id);
    framesByKind[env.k] = (framesByKind[env.k] ?? 0) + 1;
    if (env.k === 'c' && typeof env.d.to === 'number') labelFrom.set(env.boot, env.d.to);
    if (env.k === 'c') changes.push({ boot: env.boot, wokeMs: wokeAt.get(env.boot) ?? -1, deliveredMs: board.clock.nowMs });
  });
  try {
    board.install({
      bundle: o.bundle,
      files: {
        ...o.files,
        'spruce.dev': JSON.stringify({ id: dev, key: '6b'.repeat(32) }),
        'spruce.net': JSON.stringify({ ssid: 'office', pass: 'not-a-secret', host: '127.0.0.1', port }),
      },
    });
    if (o.mailbox) {
      const command = JSON.stringify({ id: 1, set: o.mailbox });
      await new Promise<void>((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic: `spruce/${dev}/down`, payload: Buffer.from(command), qos: 1, retain: true, dup: false }, (e) => (e ? reject(e) : resolve())),
      );
    }
    const end = o.rows.length * 60_000;
    let lastMinute = -1;
    while (board.clock.nowMs < end) {
      const minute = Math.floor(board.clock.nowMs / 60_000);
      if (minute !== lastMinute) {
        network.setUp(!(o.networkDown?.(minute) ?? false));
        o.onProgress?.(minute);
        lastMinute = minute;
      }
      const r = await board.runUntilSleep({ maxMs: 10 * 60_000 });
      if (r.ended !== 'sleep') throw new Error(`the app stopped without deep sleep (${r.ended}); console:\n${board.outputLog.slice(-2000)}`);
    }
    const meter = board.meter.reading();
    const bootMsPerWake = board.costs.bootMs;
    const failed = network.counters.wifiAttempts - network.counters.wifiConnects;
    const delivered = Object.values(framesByKind).reduce((a, b) => a + b, 0);
    const left = board.storage
      .list()
      .filter((n: string) => n.startsWith('sp.o'))
      .map((n: string) => ({ kind: n.charAt(4), boot: Number(n.slice(5, n.indexOf('_'))) }))
      .sort((a: { boot: number }, b: { boot: number }) => a.boot - b.boot);
    const leftByKind: Record<string, number> = {};
    for (const { kind } of left) leftByKind[kind] = (leftByKind[kind] ?? 0) + 1;
    return {
      counts: {
        periodMs: end,
        wakes: meter.wakes,
        // What the firmware itself spent awake (sensor waits, Storage, the session's own waits),
        // without the simulated boot and the radio time, which the model charges separately.
        firmwareAwakeMs: Math.max(0, meter.awakeMs - meter.wakes * bootMsPerWake - meter.radioMs),
        // ESP32.lightSleep (the occupancy-mqtt sensor wait): metered apart from awakeMs.
        lightSleepMs: meter.lightSleepMs,
        sessions: network.counters.wifiConnects,
        framesSent: delivered + duplicates,
        failedSessions: failed,
        failedRadioMs: failed * DEFAULT_SESSION.wifiTimeoutMs,
      },
      meter: { wakes: meter.wakes, awakeMs: meter.awakeMs, lightSleepMs: meter.lightSleepMs, asleepMs: meter.asleepMs, radioMs: meter.radioMs, radioSessions: meter.radioSessions },
      wifiAttempts: network.counters.wifiAttempts,
      wifiConnects: network.counters.wifiConnects,
      bytesOut: network.counters.bytesOut,
      bytesIn: network.counters.bytesIn,
      framesByKind,
      duplicates,
      changes,
      leftInOutbox: left.length,
      leftByKind,
      agreement: agreement(truthAt, labelFrom),
      left,
      bootMsPerWake,
      warnings: board.warnings.slice(0, 10),
    };
  } finally {
    network.dispose();
    await new Promise<void>((resolve) => broker.close(() => server.close(() => resolve())));
    rmSync(dir, { recursive: true, force: true });
  }
}

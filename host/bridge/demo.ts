/**
 * The main job (`spruce demo`): a small fleet of virtual boards running the real firmware bundles
 * (occupancy, and activity when it is built) on held-out data, into the bridge and its embedded
 * broker, with a consumer on that broker that verifies every message end to end and shows it live.
 * Needs nothing beyond the npm packages: everything lives in this process and a temp directory.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { splitFrame } from '../../firmware/core/wire.ts';
import { buildApp, listApps } from '../build/index.ts';
import { ensureDeviceKey, loadKeyRegistry } from '../keys.ts';
import { datasetsDir, projectRoot } from '../paths.ts';
import { harReplay, occupancyReplay, VirtualBoard, type SensorOptions } from '../sim/index.ts';
import { installBuild } from '../sim/install.ts';
import { startBridge, type RunningBridge } from './run.ts';
import { SimTransport } from './sim-transport.ts';
import type { OutboundPayload } from './message.ts';

export interface DemoOptions {
  hours: number;
  occupancy: number;
  activity: number;
  embeddedPort: number;
  /** Virtual seconds per real second (absent: as fast as possible). */
  speed?: number;
  /** Show every message as it arrives. */
  live: boolean;
  out: (line: string) => void;
  signal?: AbortSignal;
}

export interface DemoDeviceSummary {
  id: string;
  app: string;
  data: string;
  /** Frames the device printed (first sends and resends). */
  printed: number;
  /** Distinct messages the consumer received and verified. */
  delivered: number;
}

export interface DemoSummary {
  simulatedHours: number;
  realSeconds: number;
  brokerUrl: string;
  devices: DemoDeviceSummary[];
  consumer: { messages: number; distinct: number; duplicates: number; failedVerification: number };
  bridge: RunningBridge['bridge']['counters'] & { queued: number };
  /** Every message the bridge accepted reached the consumer, and nothing unverifiable did. */
  ok: boolean;
}

export interface FleetSpec {
  app: string;
  count: number;
}

/**
 * Builds each app for the virtual board and makes `count` boards of it, each provisioned with its
 * own device id and key in the key registry at keysPath (spruce.dev = {"id","key"} in Storage), fed
 * by held-out data, and wrapped as a bridge input.
 */
export async function buildFleet(
  specs: FleetSpec[],
  keysPath: string,
  out: (line: string) => void,
  idOf: (app: string, index: number) => string,
  /** Where the bundles go (default dist/virtual). */
  outDir?: string,
): Promise<FleetMember[]> {
  const fleet: FleetMember[] = [];
  for (const { app, count } of specs) {
    if (count <= 0) continue;
    out(`building ${app} for the virtual board ...`);
    const built = await buildApp({ board: 'virtual', app, outDir });
    for (let i = 0; i < count; i++) {
      const id = idOf(app, i);
      const key = ensureDeviceKey(id, keysPath);
      const { sensors, data } = sensorsFor(app, i);
      const board = new VirtualBoard({ sensors });
      installBuild(board, built.manifestPath, { id, key });
      const transport = new SimTransport(`sim:${id}`, board);
      const member: FleetMember = { id, app, data, board, transport, printed: 0 };
      board.on('output', (text: string) => (member.printed += text.split('@s1 ').length - 1));
      fleet.push(member);
    }
  }
  return fleet;
}

export interface FleetMember {
  id: string;
  app: string;
  data: string;
  board: VirtualBoard;
  transport: SimTransport;
  printed: number;
}

/** Test subjects the activity model never saw in training (from its metrics.json). */
export function heldOutSubjects(): string[] {
  const metrics = join(projectRoot(), 'models', 'activity', 'metrics.json');
  if (existsSync(metrics)) {
    const text = readFileSync(metrics, 'utf8');
    const match = /test subjects ((?:s\d+ ?)+)/.exec(text);
    if (match) return match[1]!.trim().split(' ');
  }
  return ['s03', 's06'];
}

/** Shifts a replay in time so boards on the same file do not print the same story. */
function shifted<T extends (tMs: number) => unknown>(source: T, offsetMs: number): T {
  return ((tMs: number) => source(tMs + offsetMs)) as T;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const out = options.out;
  const work = mkdtempSync(join(tmpdir(), 'spruce-demo-'));
  const keysPath = join(work, 'keys.json');
  const started = Date.now();
  const fleet: FleetMember[] = [];
  let running: RunningBridge | null = null;
  let consumer: mqtt.MqttClient | null = null;
  try {
    const wanted: FleetSpec[] = [{ app: 'occupancy', count: options.occupancy }];
    if (options.activity > 0) {
      if (listApps().includes('activity')) wanted.push({ app: 'activity', count: options.activity });
      else out('demo: the activity app is not in firmware/apps yet: running occupancy boards only');
    }
    fleet.push(...(await buildFleet(wanted, keysPath, out, (app, i) => `${app === 'occupancy' ? 'occ' : 'act'}-${i + 1}`, join(work, 'dist'))));
    const keys = loadKeyRegistry(keysPath);
    running = await startEmbedded(work, keys, fleet, options.embeddedPort);
    const bridge = running.bridge;
    out(`demo: ${fleet.length} virtual board(s) → bridge (verify, WAL, ack) → embedded MQTT broker ${running.brokerUrl}`);
    out(`demo: watch it from elsewhere with: mosquitto_sub -h 127.0.0.1 -p ${running.embedded!.port} -t 'spruce/#' -v`);
    const errorsShown = new Map<string, number>();
    bridge.on('device-error', ({ src, message }: { src: string; message: string }) => {
      const shown = errorsShown.get(src) ?? 0;
      errorsShown.set(src, shown + 1);
      if (shown < 3) out(`  ! ${src}: ${message}`);
      if (shown === 2) out(`  ! ${src}: further device errors are only counted (see the summary)`);
    });

    // The consumer: what an application subscribed to the broker sees, verified end to end.
    const seen = new Map<string, number>();
    const consumerStats = { messages: 0, duplicates: 0, failedVerification: 0 };
    consumer = await mqtt.connectAsync(running.brokerUrl, { clientId: `spruce-demo-consumer-${process.pid}`, protocolVersion: 4 });
    await consumer.subscribeAsync('spruce/+/+', { qos: 1 });
    consumer.on('message', (topic, payload) => {
      consumerStats.messages++;
      const message = JSON.parse(payload.toString()) as OutboundPayload;
      if (!verifyLine(message.line, keys[message.dev])) {
        consumerStats.failedVerification++;
        return;
      }
      const id = `${message.dev}:${message.boot}:${message.seq}`;
      if (seen.has(id)) {
        consumerStats.duplicates++;
        return;
      }
      seen.set(id, Date.now());
      if (options.live) out(describeMessage(topic, message));
    });

    out(`demo: simulating ${options.hours} hour(s)${options.speed ? ` at ${options.speed}x real time` : ' as fast as the boards run'} ...`);
    const statusTimer = setInterval(() => {
      const c = bridge.counters;
      out(`  · bridge: rx ${c.received} fwd ${c.forwarded} queued ${bridge.queued} rejected ${Object.values(c.rejected).reduce((a, b) => a + b, 0)} · sim time ${fleet.map((m) => `${m.id} ${clock(m.board.sensorTimeMs())}`).join(' ')}`);
    }, 5000);
    statusTimer.unref();
    try {
      await Promise.all(fleet.map((member) => runBoard(member.board, options)));
    } finally {
      clearInterval(statusTimer);
    }

    // Let the last acks and publishes settle.
    const deadline = Date.now() + 10_000;
    while ((bridge.queued > 0 || seen.size < bridge.counters.forwarded) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const devices = fleet.map((member) => ({
      id: member.id,
      app: member.app,
      data: member.data,
      printed: member.printed,
      delivered: [...seen.keys()].filter((k) => k.startsWith(`${member.id}:`)).length,
    }));
    const counters = { ...bridge.counters, queued: bridge.queued };
    return {
      simulatedHours: options.hours,
      realSeconds: (Date.now() - started) / 1000,
      brokerUrl: running.brokerUrl,
      devices,
      consumer: { ...consumerStats, distinct: seen.size },
      bridge: counters,
      ok: counters.queued === 0 && seen.size === counters.accepted && consumerStats.failedVerification === 0,
    };
  } finally {
    await consumer?.endAsync(true).catch(() => undefined);
    await running?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function sensorsFor(app: string, index: number): { sensors: SensorOptions; data: string } {
  if (app === 'occupancy') {
    const path = join(datasetsDir(), 'occupancy', 'occupancy_test1.csv');
    const replay = occupancyReplay(path);
    const offsetMs = index * 7 * 3_600_000; // each board starts 7 hours later in the held-out file
    return { sensors: { environment: shifted(replay.source, offsetMs) }, data: `occupancy_test1.csv +${index * 7} h` };
  }
  if (app !== 'activity') return { sensors: {}, data: 'the virtual board\'s synthetic sensors' };
  const subjects = heldOutSubjects();
  const subject = subjects[index % subjects.length]!;
  const replay = harReplay(join(datasetsDir(), 'har-wrist', 'sw_acc.csv'), { subject });
  return { sensors: { motion: replay.source }, data: `har-wrist sw_acc.csv, held-out subject ${subject}` };
}

async function startEmbedded(work: string, keys: Record<string, string>, fleet: FleetMember[], port: number): Promise<RunningBridge> {
  const config = { walDir: join(work, 'wal'), keys, transports: fleet.map((m) => m.transport), embeddedPort: port };
  try {
    return await startBridge(config);
  } catch (error) {
    // The default port is taken (a broker already runs there): use any free one instead.
    if ((error as { code?: string }).code === 'E_BROKER_PORT' && port !== 0) return startBridge({ ...config, embeddedPort: 0 });
    throw error;
  }
}

export async function runBoard(board: VirtualBoard, options: { hours: number; speed?: number; signal?: AbortSignal }): Promise<void> {
  const end = board.clock.nowMs + options.hours * 3_600_000;
  while (board.clock.nowMs < end && !options.signal?.aborted) {
    await board.runFor({ ms: Math.min(end - board.clock.nowMs, 60_000), speed: options.speed });
  }
}

function verifyLine(line: string | undefined, keyHex: string | undefined): boolean {
  const parts = line ? splitFrame(line) : null;
  if (!parts || !keyHex) return false;
  const expected = createHmac('sha256', Buffer.from(keyHex, 'hex')).update(parts.json, 'latin1').digest();
  const given = Buffer.from(parts.hmac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}`;
}

/** One arrival as the consumer saw it (✓: the signed line verified with the device key). */
function describeMessage(topic: string, m: OutboundPayload): string {
  const data = JSON.stringify(m.d);
  return `  ${topic.padEnd(24)} boot ${String(m.boot).padStart(3)} seq ${String(m.seq).padStart(3)} ✓ ${data.length > 96 ? data.slice(0, 93) + '...' : data}`;
}

export function formatDemoSummary(s: DemoSummary): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(`demo summary: ${s.simulatedHours} simulated hour(s) in ${s.realSeconds.toFixed(1)} s real`);
  lines.push('  device   app        printed  delivered  data');
  for (const d of s.devices) lines.push(`  ${d.id.padEnd(8)} ${d.app.padEnd(10)} ${String(d.printed).padStart(7)}  ${String(d.delivered).padStart(9)}  ${d.data}`);
  const c = s.bridge;
  const rejected = Object.entries(c.rejected).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`  bridge: received ${c.received}, accepted ${c.accepted}, forwarded ${c.forwarded}, queued ${c.queued}, re-acknowledged ${c.reacked}, device errors ${c.deviceErrors}`);
  lines.push(`  rejected: ${rejected}`);
  lines.push(`  consumer: ${s.consumer.distinct} distinct verified messages (${s.consumer.duplicates} duplicates, ${s.consumer.failedVerification} failed verification)`);
  lines.push(s.ok ? '  OK: every accepted message reached the consumer, verified end to end' : '  NOT OK: some accepted messages did not reach the consumer');
  return lines.join('\n');
}

/**
 * What `spruce sim` does, as a function the CLI, the demo and tests can call: build (or take)
 * a bundle, provision the device identity from the key registry, install it on a VirtualBoard
 * fed by a dataset replay, run wakes or hours, acknowledge verified frames like the bridge does,
 * and report what the device printed and what it cost.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBoard } from '../boards.ts';
import { buildApp } from '../build/index.ts';
import { SpruceError } from '../errors.ts';
import { defaultKeyRegistryPath, ensureDeviceKey } from '../keys.ts';
import { datasetsDir, projectRoot } from '../paths.ts';
import { AckingHost, type FrameEvent } from './acking-host.ts';
import { VirtualBoard, type WakeResult } from './board.ts';
import { DEVICE_FILE, deviceFile, installBuilt } from './install.ts';
import type { MeterReading } from './meter.ts';
import { harReplay, occupancyReplay, type SignalSource } from './sensors/signals.ts';
import type { SensorOptions } from './sensors/index.ts';

export interface SimOptions {
  app?: string;
  /** A ready bundle file instead of building an app. */
  bundle?: string;
  board?: string;
  wakes?: number;
  hours?: number;
  /** Replay CSV (occupancy or har-wrist format). */
  data?: string;
  /** For har-wrist data: one subject (s01..s23). */
  subject?: string;
  storage?: string;
  keys?: string;
  device?: string;
  ack?: boolean;
  /** Virtual seconds per real second (default: as fast as possible). */
  speed?: number;
  onLine?: (line: SimLine) => void;
  onWake?: (result: WakeResult, index: number) => void;
  onStatus?: (message: string) => void;
  signal?: AbortSignal;
}

export interface SimLine {
  /** Virtual time since the simulation started, ms. */
  tMs: number;
  text: string;
  frame?: { kind: string; boot: number; seq: number; verified: boolean; data: unknown };
}

export interface SimSummary {
  app: string;
  board: string;
  device: string;
  data: string;
  bundleBytes: number;
  wakes: WakeResult[];
  meter: MeterReading;
  frames: { received: number; verified: number; rejected: number; acked: number; noAckFunction: number };
  storage: ReturnType<VirtualBoard['storage']['getStats']>;
  warnings: string[];
  simulatedMs: number;
  realMs: number;
}

/** The dataset an app replays by default. */
export function defaultDataFor(app: string): string | undefined {
  const appJson = join(projectRoot(), 'firmware', 'apps', app, 'app.json');
  if (existsSync(appJson)) {
    try {
      const declared = (JSON.parse(readFileSync(appJson, 'utf8')) as { sim?: { data?: string } }).sim?.data;
      if (declared) return join(datasetsDir(), declared);
    } catch {
      // a broken app.json is the build's to report
    }
  }
  if (app.includes('occupancy')) return join(datasetsDir(), 'occupancy', 'occupancy_test1.csv');
  if (/har|activity|motion|wrist/.test(app)) return join(datasetsDir(), 'har-wrist', 'sw_acc.csv');
  return undefined;
}

/** Sensor signals from a CSV, recognised by its header. */
export function sensorsFromCsv(path: string, subject?: string): { sensors: SensorOptions; label: string } {
  if (!existsSync(path)) {
    throw new SpruceError('E_SIM_DATA', `no data file at ${path}`, { hint: 'pass an existing CSV with --data', exit: 'BAD_INPUT' });
  }
  const header = readFileSync(path, 'utf8').slice(0, 400).split('\n')[0] ?? '';
  if (header.includes('co2_ppm')) {
    const replay = occupancyReplay(path);
    return { sensors: { environment: replay.source }, label: `${path} (occupancy, ${replay.rows} rows)` };
  }
  if (header.includes('ax_mg')) {
    const replay = harReplay(path, subject ? { subject } : {});
    const motion: SignalSource = replay.source;
    return { sensors: { motion }, label: `${path} (accelerometer, ${replay.samples} samples${subject ? `, ${subject}` : ''})` };
  }
  throw new SpruceError('E_SIM_DATA', `${path}: unknown CSV format (header: ${header.slice(0, 80)})`, {
    hint: 'use a CSV with the occupancy columns (co2_ppm, ...) or the har-wrist columns (ax_mg, ...)',
    exit: 'BAD_INPUT',
  });
}

export async function runSim(options: SimOptions): Promise<SimSummary> {
  const boardId = options.board ?? 'virtual';
  const board = loadBoard(boardId);
  if (!options.app && !options.bundle) {
    throw new SpruceError('E_SIM_USAGE', 'nothing to run: give --app <name> (or --bundle <file>)', { hint: 'spruce sim --app occupancy', exit: 'USAGE' });
  }
  const app = options.app ?? 'bundle';
  const dataPath = options.data ?? defaultDataFor(app);
  const { sensors, label } = dataPath ? sensorsFromCsv(dataPath, options.subject) : { sensors: {}, label: 'synthetic office day + accelerometer at rest' };
  const device = options.device ?? `sim-${app.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 20) || 'app'}-1`;
  const key = ensureDeviceKey(device, options.keys ?? defaultKeyRegistryPath());

  const vboard = new VirtualBoard({ board, storagePath: options.storage, sensors });
  let bundleBytes: number;
  if (options.bundle) {
    const bundle = readFileSync(options.bundle, 'latin1');
    bundleBytes = bundle.length;
    vboard.install({ bundle, files: { [DEVICE_FILE]: deviceFile(device, key) } });
  } else {
    options.onStatus?.(`building ${app} for ${boardId} ...`);
    const built = await buildApp({ board: boardId, app });
    bundleBytes = built.manifest.bytes;
    // Install the code the build returned rather than re-reading dist/, which a concurrent build
    // of the same app may be rewriting.
    installBuilt(vboard, built.manifest, built.code, { id: device, key });
  }

  const frames = new Map<string, FrameEvent>();
  const host = new AckingHost(vboard, {
    keys: { [device]: key },
    ack: options.ack !== false,
    onFrame: (frame) => frames.set(frame.line, frame),
  });
  let partial = '';
  vboard.on('output', (text: string) => {
    partial += text;
    let end: number;
    while ((end = partial.indexOf('\n')) !== -1) {
      const line = partial.slice(0, end).replace(/\r$/, '');
      partial = partial.slice(end + 1);
      const frame = frames.get(line);
      frames.delete(line);
      options.onLine?.({
        tMs: vboard.sensorTimeMs(),
        text: line,
        ...(frame ? { frame: { kind: frame.kind, boot: frame.boot, seq: frame.seq, verified: frame.verified, data: frame.data } } : {}),
      });
    }
  });
  vboard.on('warning', (message: string) => options.onStatus?.(`warning: ${message}`));

  const started = Date.now();
  const wakes: WakeResult[] = [];
  if (options.hours !== undefined) {
    const end = vboard.clock.nowMs + options.hours * 3_600_000;
    while (vboard.clock.nowMs < end && !options.signal?.aborted) {
      // In slices, so Ctrl-C (the abort signal) is noticed within a simulated minute.
      await vboard.runFor({ ms: Math.min(end - vboard.clock.nowMs, 60_000), speed: options.speed });
    }
  } else {
    const count = options.wakes ?? 10;
    for (let i = 0; i < count && !options.signal?.aborted; i++) {
      const result = await vboard.runUntilSleep({ speed: options.speed });
      wakes.push(result);
      options.onWake?.(result, i);
      if (result.ended === 'idle') {
        options.onStatus?.(`wake ${i + 1} ended with the device awake and nothing scheduled (it never called ESP32.deepSleep)`);
        break;
      }
      if (result.ended === 'limit') {
        options.onStatus?.(`the device was still awake after an hour of virtual time in wake ${i + 1} (an always-on app?): use --hours to run it`);
        break;
      }
    }
  }
  if (partial) options.onLine?.({ tMs: vboard.sensorTimeMs(), text: partial });
  host.detach();
  return {
    app,
    board: boardId,
    device,
    data: label,
    bundleBytes,
    wakes,
    meter: vboard.meter.reading(),
    frames: { received: host.received, verified: host.verified, rejected: host.rejected, acked: host.acked, noAckFunction: host.noAckFunction },
    storage: vboard.storage.getStats(),
    warnings: [...vboard.warnings],
    simulatedMs: vboard.sensorTimeMs(),
    realMs: Date.now() - started,
  };
}

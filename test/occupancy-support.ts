/**
 * Shared by the occupancy integration tests: build the real occupancy bundle once, provision a
 * virtual board with it, read the frames it prints, and recompute what the pure core says the
 * firmware should have printed for the very sensor bytes the board's I2C bus served.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../host/build/index.ts';
import { VirtualBoard, occupancyReplay, type VirtualBoardOptions, type WakeResult } from '../host/sim/index.ts';
import { datasetsDir } from '../host/paths.ts';
import { decodeBh1750, decodeScd41, BH1750_ADDRESS, SCD41_ADDRESS } from '../firmware/core/sensors.ts';
import type { Readings } from '../firmware/core/occupancy.ts';
import { hmacSigner, type Sha256 } from '../firmware/core/hmac.ts';
import { MemoryFlash } from '../firmware/core/flash-memory.ts';
import { outboxAck } from '../firmware/core/outbox.ts';
import { beginWake, finishWake, pendingFrames, type WakeOutcome } from '../firmware/core/wake.ts';
import { CONFIG } from '../firmware/apps/occupancy/config.ts';
import { classify, useModelEnvironment } from '../firmware/apps/occupancy/classifier.ts';
import { hostModelNatives } from '../models/host-models.ts';
import { onConsoleLine, verifySignedFrame } from './support/frames.ts';

export const DEVICE_ID = 'occ-test-1';
export const DEVICE_KEY = createHash('sha256').update('spruce occupancy test key').digest('hex');

export const nodeSha256: Sha256 = (data) => {
  const d = createHash('sha256').update(data).digest();
  return d.buffer.slice(d.byteOffset, d.byteOffset + d.length);
};

export interface OccupancyBuild {
  bundle: string;
  /** Storage files the app lists in app.json (e.g. model tables), as the flasher installs them. */
  files: Record<string, Uint8Array>;
  bytes: number;
  jsVars: number;
}

export async function buildOccupancy(): Promise<OccupancyBuild> {
  const out = mkdtempSync(join(tmpdir(), 'spruce-occ-build-'));
  try {
    const result = await buildApp({ board: 'virtual', app: 'occupancy', outDir: out });
    const files: Record<string, Uint8Array> = {};
    for (const entry of result.manifest.storage) files[entry.name] = new Uint8Array(readFileSync(entry.path));
    return { bundle: result.code, files, bytes: result.manifest.bytes, jsVars: result.manifest.jsVarsEstimate };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const OCCUPANCY_CSV = () => join(datasetsDir(), 'occupancy', 'occupancy_test1.csv');

export interface Envelope {
  dev: string;
  boot: number;
  seq: number;
  k: string;
  d: Record<string, number | string | null>;
}

/** Checks the HMAC with the key (constant-time) and parses the JSON; throws on a forged line. */
export function verifyFrame(line: string): Envelope {
  return verifySignedFrame(line, DEVICE_KEY);
}

export interface ProvisionedBoard {
  board: VirtualBoard;
  /** Every frame line printed, in order (retransmissions included). */
  lines: string[];
  /** Console text that is neither a frame nor blank. */
  other: string[];
  /** Acknowledge frames through the REPL as they are printed (default true). */
  autoAck: { on: boolean };
}

let replaySource: ReturnType<typeof occupancyReplay>['source'] | undefined;

export function provision(build: OccupancyBuild, options: VirtualBoardOptions = {}): ProvisionedBoard {
  replaySource ??= occupancyReplay(OCCUPANCY_CSV()).source;
  const board = new VirtualBoard({ sensors: { environment: replaySource }, ...options });
  board.install({ bundle: build.bundle, files: { ...build.files, 'spruce.dev': JSON.stringify({ id: DEVICE_ID, key: DEVICE_KEY }) } });
  const result: ProvisionedBoard = { board, lines: [], other: [], autoAck: { on: true } };
  onConsoleLine(board, (part) => {
    if (part.startsWith('@s1 ')) {
      result.lines.push(part);
      if (result.autoAck.on) {
        const env = verifyFrame(part);
        // What the host does through the REPL once the frame is durable.
        board.post(`ack(${env.boot},${env.seq})`, [], 'REPL ack');
      }
    } else if (part.trim() !== '') result.other.push(part);
  });
  return result;
}

/**
 * The readings the firmware saw this wake, decoded from the bytes the I2C bus served (the bus
 * logs every transaction), with the fault codes the drivers produce for missing answers.
 */
export function readingsFromBus(log: { op: string; address: number; bytes: number[] }[]): Readings {
  const readings: Readings = { t: null, h: null, c: null, l: null, faults: [] };
  const air = log.find((entry) => entry.op === 'read' && entry.address === SCD41_ADDRESS && entry.bytes.length === 9);
  const decodedAir = air ? decodeScd41(air.bytes) : { ok: false as const, code: 'scd41_nak' };
  if (decodedAir.ok) {
    readings.t = decodedAir.t;
    readings.h = decodedAir.h;
    readings.c = decodedAir.co2;
  } else readings.faults.push(decodedAir.code);
  const light = log.find((entry) => entry.op === 'read' && entry.address === BH1750_ADDRESS && entry.bytes.length === 2);
  const decodedLight = light ? decodeBh1750(light.bytes) : { ok: false as const, code: 'bh1750_nak' };
  if (decodedLight.ok) readings.l = decodedLight.lux;
  else readings.faults.push(decodedLight.code);
  return readings;
}

/**
 * The pure core's twin of a provisioned board: each call runs the wake the board just finished
 * through firmware/core/wake.ts in Node (its own flash, the same key and app config), fed what the
 * board's I2C bus served and the status frame it printed, then acknowledges what the board would
 * send, as the REPL acks did on the board. Its outcome's lines are what the board must have printed.
 */
export function coreTwin(): (board: VirtualBoard, result: WakeResult, printed: Envelope[]) => { outcome: WakeOutcome; readings: Readings } {
  const flash = new MemoryFlash();
  const identity = { dev: DEVICE_ID, signer: hmacSigner(nodeSha256, new Uint8Array(Buffer.from(DEVICE_KEY, 'hex'))) };
  return (board, result, printed) => {
    const readings = readingsFromBus(board.i2c.log);
    const status = printed.find((env) => env.k === 't');
    const boot = beginWake(flash);
    const outcome = finishWake(flash, boot, identity, {
      readings,
      status: {
        cause: result.cause, flags: [],
        free: Number(status?.d.free ?? 0), used: Number(status?.d.used ?? 0), total: Number(status?.d.total ?? 0),
      },
    }, CONFIG, classify);
    for (const p of pendingFrames(flash, CONFIG.sendPerWake)) outboxAck(flash, p.boot, p.seq);
    return { outcome, readings };
  };
}

/**
 * Makes the app's classifier run in Node exactly as on the board: the same model files (from the
 * build's Storage list) through the host implementation of Espruino's native helpers.
 */
export function useBoardModels(build: OccupancyBuild): void {
  useModelEnvironment({
    natives: hostModelNatives,
    read: (name) => {
      const bytes = build.files[name];
      return bytes ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer : undefined;
    },
  });
}

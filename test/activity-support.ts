/**
 * Helpers for the activity tests: build and install the real activity bundle (with its model file
 * from app.json) on a virtual board, and rebuild the held-out windows on the host exactly as
 * `spruce train --preset activity` cut them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../host/build/index.ts';
import { VirtualBoard, type VirtualBoardOptions } from '../host/sim/index.ts';
import { installBuild } from '../host/sim/install.ts';
import { AckingHost } from '../host/sim/acking-host.ts';
import { projectRoot } from '../host/paths.ts';
import { parseLut, type LutModel } from '../firmware/core/lut/format.ts';
import { PRESETS } from '../models/presets.ts';
import { cutWindows, loadSeries, type SeriesWindow } from '../models/data/series.ts';
import { resolveDataPath } from '../models/prepare.ts';
import { onConsoleLine, verifySignedFrame } from './support/frames.ts';

export const DEVICE_ID = 'act-test-1';
export const DEVICE_KEY = createHash('sha256').update('spruce activity test key').digest('hex');

export async function buildActivity(): Promise<{ manifestPath: string; cleanup: () => void }> {
  const out = mkdtempSync(join(tmpdir(), 'spruce-act-build-'));
  const result = await buildApp({ board: 'virtual', app: 'activity', outDir: out });
  return { manifestPath: result.manifestPath, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

export interface ActivityFrame {
  k: string;
  d: Record<string, unknown>;
  boot: number;
  seq: number;
  /** The exact signed line as printed. */
  line: string;
  /** Virtual time it was printed at (one re-offer cycle prints its burst at one instant). */
  tMs: number;
}

export interface ActivityBoard {
  board: VirtualBoard;
  /** Every frame printed, in order (a re-offered frame appears again). */
  frames: ActivityFrame[];
  other: string[];
  /** The bridge stand-in, when started with { ack: true }. */
  host?: AckingHost;
}

/**
 * Installs the activity build and boots it. With `ack: true` a host verifies every frame and
 * calls ack(boot, seq) in the device as the bridge does; without it nothing is acknowledged.
 */
export function startActivityBoard(manifestPath: string, options: VirtualBoardOptions & { ack?: boolean } = {}): ActivityBoard {
  const board = new VirtualBoard(options);
  installBuild(board, manifestPath, { id: DEVICE_ID, key: DEVICE_KEY });
  const result: ActivityBoard = { board, frames: [], other: [] };
  if (options.ack) result.host = new AckingHost(board, { keys: { [DEVICE_ID]: DEVICE_KEY } });
  onConsoleLine(board, (part) => {
    if (part.startsWith('@s1 ')) result.frames.push({ ...verifyFrame(part), line: part, tMs: board.getTimeMs() });
    else if (part.trim() !== '') result.other.push(part);
  });
  board.boot(0);
  return result;
}

export function verifyFrame(line: string): { k: string; d: Record<string, unknown>; boot: number; seq: number } {
  return verifySignedFrame(line, DEVICE_KEY);
}

/** The committed activity model and its metadata. */
export function activityModel(): { model: LutModel; meta: { featureIndex: number[]; labels: string[]; features: string[] } } {
  const dir = join(projectRoot(), 'models', 'activity');
  const bytes = readFileSync(join(dir, 'activity.lut'));
  const parsed = parseLut(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer);
  if (!parsed.ok) throw new Error(parsed.detail);
  return { model: parsed.model, meta: JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) };
}

/** Every held-out window of the activity preset (the test subjects), as the trainer cut them. */
export function heldOutWindows(): SeriesWindow[] {
  const config = PRESETS.activity!.data;
  const data = loadSeries({
    file: resolveDataPath(config.data),
    label: config.label,
    group: config.group,
    segment: config.segment,
    channels: config.channels!,
    magnitude: config.magnitude,
    sourceHz: config.sourceHz,
    hz: config.hz,
  });
  const test = new Set(config.testGroups);
  return cutWindows(data, config.window!, config.hop!, config.windowLabel!).filter((w) => test.has(w.group));
}

/**
 * A battery projection for an app on a board: build the app, run it for a simulated day on the
 * virtual board (host/power/virtual-day.ts), and price the day with the board's power figures
 * (host/power/model.ts). Shared by `spruce power` and bench/power.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoard } from '../boards.ts';
import { buildApp } from '../build/index.ts';
import { loadOccupancyDay, DEFAULT_DAY } from './dataset.ts';
import { breakEvenBootMs, energy, powerFigures, sensitivity, type Battery, type DayCounts, type EnergyBreakdown, type PowerFigures } from './model.ts';
import { runVirtualDay, type VirtualDayResult } from './virtual-day.ts';

export interface ProjectOptions {
  app: string;
  board: string;
  battery: Battery;
  date?: string;
  file?: string;
  /** Settings sent through the downlink mailbox before the day (periodMs, summaryEvery, ...). */
  mailbox?: Record<string, number>;
  /** Simulate only the first hours of the day (the projection is scaled to a day). */
  hours?: number;
  /** Price the firmware's idle waits at light-sleep current (a what-if; ESP32.lightSleep time is metered and always priced so). */
  waitsInLightSleep?: boolean;
  onProgress?: (minute: number) => void;
}

export interface Projection {
  app: string;
  board: string;
  day: { file: string; date: string };
  bundleBytes: number;
  counts: DayCounts;
  run: VirtualDayResult;
  energy: EnergyBreakdown;
  sensitivity: ReturnType<typeof sensitivity>;
  /** Boot cost per wake (ms at active current) at which the battery lasts exactly a year; -1 if never. */
  breakEvenBootMsForYear: number;
  /** This model's boot cost per wake (hwBoot + espruinoInit + bundle parse), ms. */
  bootMsPerWake: number;
  figures: PowerFigures;
  battery: Battery;
  mailbox?: Record<string, number>;
  waitsInLightSleep: boolean;
}

export async function projectApp(o: ProjectOptions): Promise<Projection> {
  const board = loadBoard(o.board);
  const figures = powerFigures(board);
  const out = mkdtempSync(join(tmpdir(), 'spruce-power-build-'));
  try {
    // The virtual board runs the bundle built for the board being projected (same dialect).
    const built = await buildApp({ board: board.id, app: o.app, outDir: out });
    const files: Record<string, Uint8Array> = {};
    for (const entry of built.manifest.storage) files[entry.name] = new Uint8Array(readFileSync(entry.path));
    const date = o.date ?? DEFAULT_DAY.date;
    const file = o.file ?? DEFAULT_DAY.file;
    const rows = loadOccupancyDay(file, date).slice(0, Math.round((o.hours ?? 24) * 60));
    const run = await runVirtualDay({ bundle: built.code, files, rows, mailbox: o.mailbox, wifiConnectMs: figures.wifiConnectMs.value, onProgress: o.onProgress });
    const counts: DayCounts = { ...run.counts, bundleBytes: built.manifest.bytes, waitsInLightSleep: o.waitsInLightSleep ?? false };
    const bootMsPerWake = figures.hwBootMs.value + figures.espruinoInitMs.value + (counts.bundleBytes * figures.bundleLoadUsPerByte.value) / 1000;
    return {
      app: o.app,
      board: board.id,
      day: { file, date },
      bundleBytes: built.manifest.bytes,
      counts,
      run,
      energy: energy(figures, counts, o.battery),
      sensitivity: sensitivity(figures, counts, o.battery),
      breakEvenBootMsForYear: breakEvenBootMs(figures, counts, o.battery, 365),
      bootMsPerWake,
      figures,
      battery: o.battery,
      mailbox: o.mailbox,
      waitsInLightSleep: o.waitsInLightSleep ?? false,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The worst delay from a class change's wake to the broker, seconds (the event itself may precede that wake by up to one period). */
export function worstChangeLatencyS(run: VirtualDayResult): number {
  let worst = 0;
  for (const c of run.changes) if (c.wokeMs >= 0) worst = Math.max(worst, (c.deliveredMs - c.wokeMs) / 1000);
  return worst;
}

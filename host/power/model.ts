/**
 * The energy model behind `spruce power` and bench/power.ts: a simulated day's counts (wakes,
 * radio sessions, frames, virtual time spent waiting for sensors) times the board's power figures
 * (boards/<id>.json "power", each with its source) gives charge per day by where it goes, the
 * average current and the battery life.
 *
 *   per wake:    hwBoot + espruinoInit + bundleBytes x bundleLoadUsPerByte + wakeWork at activeMa
 *                (the interpreter parses the bundle from flash on EVERY wake: deep sleep is a
 *                reboot), plus the firmware's own waits (sensor conversions, metered in virtual
 *                time): awake at idleMa, in ESP32.lightSleep (metered separately) at lightSleepMa
 *   per session: wifiConnect + mqttSetup + frames x mqttPerFrame at radioMa; a failed session costs
 *                its metered radio time (usually the Wi-Fi timeout) at radioMa
 *   the rest:    deep sleep at deepSleepMa
 */
import type { Board } from '../boards.ts';
import { SpruceError } from '../errors.ts';

export interface Figure {
  value: number;
  min?: number;
  max?: number;
  estimate?: boolean;
  source: string;
}

export interface PowerFigures {
  deepSleepMa: Figure;
  activeMa: Figure;
  radioMa: Figure;
  hwBootMs: Figure;
  espruinoInitMs: Figure;
  bundleLoadUsPerByte: Figure;
  wakeWorkMs: Figure;
  idleMa: Figure;
  lightSleepMa: Figure;
  wifiConnectMs: Figure;
  mqttSetupMs: Figure;
  mqttPerFrameMs: Figure;
}

export const FIGURE_NAMES: (keyof PowerFigures)[] = [
  'deepSleepMa', 'activeMa', 'radioMa', 'hwBootMs', 'espruinoInitMs', 'bundleLoadUsPerByte', 'wakeWorkMs', 'idleMa', 'lightSleepMa', 'wifiConnectMs', 'mqttSetupMs', 'mqttPerFrameMs',
];

/** What one simulated day produced (counts, and virtual time the firmware spent waiting). */
export interface DayCounts {
  /** Length of the simulated period, ms (normally a day). */
  periodMs: number;
  wakes: number;
  /** Awake time the firmware itself spent (sensor waits, ack windows), virtual ms, all wakes. */
  firmwareAwakeMs: number;
  /** Price those idle waits as if spent in light sleep (a what-if, for firmware that idles). */
  waitsInLightSleep?: boolean;
  /** Time the firmware spent in ESP32.lightSleep, virtual ms, all wakes (the board's meter). */
  lightSleepMs?: number;
  /** Radio sessions that delivered, with the frames they carried. */
  sessions: number;
  framesSent: number;
  /** Sessions that failed; their metered radio time is charged as is. */
  failedSessions: number;
  failedRadioMs: number;
  /** Bundle size in bytes (parsed on every wake). */
  bundleBytes: number;
}

export interface Battery {
  mAh: number;
  /** Fraction of the rated charge usable above the board's minimum voltage. */
  usable: number;
  /** Self-discharge per year, fraction of rated charge (alkaline AA about 0.02-0.03). */
  selfDischargePerYear: number;
}

export interface EnergyBreakdown {
  /** mAh per day by where it goes. */
  sleep: number;
  boot: number;
  bundle: number;
  work: number;
  waits: number;
  radio: number;
  total: number;
  averageMa: number;
  /** CPU on with the radio off (boot, parse, work, idle waits). */
  awakeSPerDay: number;
  lightSleepSPerDay: number;
  radioSPerDay: number;
  lifeDays: number;
  lifeYears: number;
}

export function powerFigures(board: Board): PowerFigures {
  const p = board.power as Partial<PowerFigures> | undefined;
  if (!p) {
    throw new SpruceError('E_NO_POWER_MODEL', `board "${board.id}" has no "power" section`, {
      hint: `add one to boards/${board.id}.json (see boards/esp32.json and boards/board.schema.json)`,
      exit: 'BAD_INPUT',
    });
  }
  for (const name of FIGURE_NAMES) {
    if (!p[name] || typeof p[name]!.value !== 'number') {
      throw new SpruceError('E_NO_POWER_MODEL', `boards/${board.id}.json power.${name} is missing`, { hint: 'every figure needs a value and a source', exit: 'BAD_INPUT' });
    }
  }
  return p as PowerFigures;
}

/** The figures with one or more replaced (for the sensitivity table). */
export function withFigure(f: PowerFigures, name: keyof PowerFigures, value: number): PowerFigures {
  return { ...f, [name]: { ...f[name], value } };
}

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

export function energy(f: PowerFigures, day: DayCounts, battery: Battery): EnergyBreakdown {
  const scale = MS_PER_DAY / day.periodMs; // counts per day
  const v = (n: keyof PowerFigures) => f[n].value;
  const bootMs = (v('hwBootMs') + v('espruinoInitMs')) * day.wakes;
  const bundleMs = ((day.bundleBytes * v('bundleLoadUsPerByte')) / 1000) * day.wakes;
  const workMs = v('wakeWorkMs') * day.wakes;
  const waitMs = day.firmwareAwakeMs;
  const lightMs = day.lightSleepMs ?? 0;
  const radioMs = day.sessions * (v('wifiConnectMs') + v('mqttSetupMs')) + day.framesSent * v('mqttPerFrameMs') + day.failedRadioMs;
  const awakeMs = bootMs + bundleMs + workMs + waitMs;
  const sleepMs = Math.max(0, day.periodMs - awakeMs - lightMs - radioMs);
  const mAh = (ms: number, mA: number) => ((ms * mA) / MS_PER_HOUR) * scale;
  const out = {
    sleep: mAh(sleepMs, v('deepSleepMa')),
    boot: mAh(bootMs, v('activeMa')),
    bundle: mAh(bundleMs, v('activeMa')),
    work: mAh(workMs, v('activeMa')),
    waits: mAh(waitMs, day.waitsInLightSleep ? v('lightSleepMa') : v('idleMa')) + mAh(lightMs, v('lightSleepMa')),
    radio: mAh(radioMs, v('radioMa')),
  };
  const total = out.sleep + out.boot + out.bundle + out.work + out.waits + out.radio;
  const selfPerDay = (battery.mAh * battery.selfDischargePerYear) / 365;
  const lifeDays = (battery.mAh * battery.usable) / (total + selfPerDay);
  return {
    ...out,
    total,
    averageMa: total / 24,
    awakeSPerDay: (awakeMs * scale) / 1000,
    lightSleepSPerDay: (lightMs * scale) / 1000,
    radioSPerDay: (radioMs * scale) / 1000,
    lifeDays,
    lifeYears: lifeDays / 365,
  };
}

/**
 * Battery life with each estimated figure at its min and max (others at their value): which
 * uncertainty matters. The boot cost rows are the crux for an interpreter that reboots every wake.
 */
export function sensitivity(f: PowerFigures, day: DayCounts, battery: Battery): { figure: keyof PowerFigures; low: number; high: number; lifeAtMinDays: number; lifeAtMaxDays: number }[] {
  const rows = [];
  for (const name of FIGURE_NAMES) {
    const fig = f[name];
    if (fig.min === undefined || fig.max === undefined) continue;
    rows.push({
      figure: name,
      low: fig.min,
      high: fig.max,
      lifeAtMinDays: energy(withFigure(f, name, fig.min), day, battery).lifeDays,
      lifeAtMaxDays: energy(withFigure(f, name, fig.max), day, battery).lifeDays,
    });
  }
  return rows;
}

/**
 * The per-wake boot cost (ms at activeMa, everything before the app's own work) at which the
 * battery would last exactly `targetDays`: the break-even figure to compare the estimate with.
 */
export function breakEvenBootMs(f: PowerFigures, day: DayCounts, battery: Battery, targetDays: number): number {
  let lo = 0;
  let hi = 60_000;
  const lifeAt = (bootMs: number) => {
    const g = withFigure(withFigure(withFigure(f, 'hwBootMs', bootMs), 'espruinoInitMs', 0), 'bundleLoadUsPerByte', 0);
    return energy(g, day, battery).lifeDays;
  };
  if (lifeAt(0) < targetDays) return -1; // unreachable even with a free boot
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (lifeAt(mid) >= targetDays) lo = mid;
    else hi = mid;
  }
  return lo;
}

export const TWO_AA: Battery = { mAh: 2500, usable: 0.85, selfDischargePerYear: 0.03 };

import { describe, expect, it } from 'vitest';
import { loadBoard, listBoardIds } from '../boards.ts';
import { FIGURE_NAMES, TWO_AA, breakEvenBootMs, energy, powerFigures, sensitivity, withFigure, type DayCounts, type PowerFigures } from './model.ts';

const fig = (value: number, min?: number, max?: number) => ({ value, min, max, source: 'test figure, not a datasheet' });
const figures: PowerFigures = {
  deepSleepMa: fig(0.01), activeMa: fig(40, 20, 60), radioMa: fig(120), hwBootMs: fig(300, 200, 600), espruinoInitMs: fig(100),
  bundleLoadUsPerByte: fig(2), wakeWorkMs: fig(100), idleMa: fig(25), lightSleepMa: fig(0.8), wifiConnectMs: fig(2000),
  mqttSetupMs: fig(200), mqttPerFrameMs: fig(10),
};
const day: DayCounts = { periodMs: 86_400_000, wakes: 1440, firmwareAwakeMs: 1440 * 5000, sessions: 10, framesSent: 100, failedSessions: 1, failedRadioMs: 10_000, bundleBytes: 25_000 };
const battery = { mAh: 2500, usable: 1, selfDischargePerYear: 0 };

describe('power model', () => {
  it('prices a day by hand-checkable arithmetic', () => {
    const e = energy(figures, day, battery);
    // boot: 1440 x 400 ms at 40 mA; bundle: 1440 x 50 ms; work: 1440 x 100 ms; waits: 1440 x 5 s at 25 mA.
    expect(e.boot).toBeCloseTo((1440 * 0.4 * 40) / 3600, 6);
    expect(e.bundle).toBeCloseTo((1440 * 0.05 * 40) / 3600, 6);
    expect(e.work).toBeCloseTo((1440 * 0.1 * 40) / 3600, 6);
    expect(e.waits).toBeCloseTo((1440 * 5 * 25) / 3600, 6);
    // radio: 10 sessions x 2.2 s + 100 frames x 10 ms + the failed session's 10 s, at 120 mA.
    expect(e.radio).toBeCloseTo(((10 * 2.2 + 1 + 10) * 120) / 3600, 6);
    const awakeS = 1440 * (0.4 + 0.05 + 0.1 + 5) + 33;
    expect(e.sleep).toBeCloseTo(((86_400 - awakeS) * 0.01) / 3600, 6);
    expect(e.total).toBeCloseTo(e.boot + e.bundle + e.work + e.waits + e.radio + e.sleep, 9);
    expect(e.lifeDays).toBeCloseTo(2500 / e.total, 6);
    expect(energy(figures, { ...day, waitsInLightSleep: true }, battery).waits).toBeCloseTo((1440 * 5 * 0.8) / 3600, 6);
    // Metered light sleep (ESP32.lightSleep on the virtual board) is charged at lightSleepMa and
    // is not deep sleep: 1440 x 4.9 s light-sleeping + 0.1 s idling.
    const slept = energy(figures, { ...day, firmwareAwakeMs: 1440 * 100, lightSleepMs: 1440 * 4900 }, battery);
    expect(slept.waits).toBeCloseTo((1440 * 0.1 * 25 + 1440 * 4.9 * 0.8) / 3600, 6);
    expect(slept.sleep).toBeCloseTo(e.sleep, 9);
    expect(slept.lightSleepSPerDay).toBeCloseTo(1440 * 4.9, 6);
  });

  it('scales a shorter simulation to a day, and derates the battery', () => {
    const half = { ...day, periodMs: 43_200_000, wakes: 720, firmwareAwakeMs: 720 * 5000, sessions: 5, framesSent: 50, failedSessions: 0, failedRadioMs: 0 };
    const full = { ...half, periodMs: 86_400_000, wakes: 1440, firmwareAwakeMs: 1440 * 5000, sessions: 10, framesSent: 100 };
    expect(energy(figures, half, battery).total).toBeCloseTo(energy(figures, full, battery).total, 6);
    const derated = energy(figures, day, { mAh: 2500, usable: 0.8, selfDischargePerYear: 0.03 });
    expect(derated.lifeDays).toBeCloseTo((2500 * 0.8) / (derated.total + (2500 * 0.03) / 365), 6);
  });

  it('sensitivity moves the answer the right way, and the break-even boot cost gives exactly the target', () => {
    const rows = sensitivity(figures, day, battery);
    const boot = rows.find((r) => r.figure === 'hwBootMs')!;
    expect(boot.lifeAtMinDays).toBeGreaterThan(boot.lifeAtMaxDays);
    expect(rows.map((r) => r.figure).sort()).toEqual(['activeMa', 'hwBootMs']);
    const light = { ...day, waitsInLightSleep: true, wakes: 360, firmwareAwakeMs: 360 * 5000 };
    const target = 200;
    const ms = breakEvenBootMs(figures, light, battery, target);
    expect(ms).toBeGreaterThan(0);
    const at = withFigure(withFigure(withFigure(figures, 'hwBootMs', ms), 'espruinoInitMs', 0), 'bundleLoadUsPerByte', 0);
    expect(energy(at, light, battery).lifeDays).toBeCloseTo(target, 3);
    expect(breakEvenBootMs(figures, day, battery, 10_000)).toBe(-1);
  });

  it('every board has a complete power model with a source for each figure', () => {
    for (const id of listBoardIds()) {
      const f = powerFigures(loadBoard(id));
      for (const name of FIGURE_NAMES) {
        expect(f[name].source.length, `${id} ${name}`).toBeGreaterThan(20);
        if (f[name].min !== undefined) expect(f[name].min!).toBeLessThanOrEqual(f[name].value);
        if (f[name].max !== undefined) expect(f[name].max!).toBeGreaterThanOrEqual(f[name].value);
      }
    }
    expect(TWO_AA.mAh).toBe(2500);
  });
});

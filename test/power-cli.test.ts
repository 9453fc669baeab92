// `spruce power` end to end: builds an app, runs it on the virtual board against a real broker
// for simulated time, and prices it with the board's power model. The mqtt-probe app (a session
// every wake) keeps this quick; the occupancy-mqtt app's full day is bench/power.ts.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../host/paths.ts';

function spruce(args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot(), 'bin', 'spruce.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
}

describe('spruce power', () => {
  it('projects an app from simulated time on the virtual board (--json)', () => {
    const r = spruce(['power', '--app', 'mqtt-probe', '--board', 'esp32', '--hours', '1', '--battery', '3000', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.app).toBe('mqtt-probe');
    expect(p.battery.mAh).toBe(3000);
    expect(p.counts.periodMs).toBe(3_600_000);
    // One wake a minute, each with its own session and reading, all delivered, nothing left over.
    expect(p.run.counts.wakes).toBeGreaterThanOrEqual(58);
    expect(p.run.wifiConnects).toBe(p.run.counts.wakes);
    expect(p.run.framesByKind.r).toBe(p.run.counts.wakes);
    expect(p.run.leftInOutbox).toBe(0);
    // The board's meter saw the radio on for at least the Wi-Fi association of every session.
    expect(p.run.meter.radioMs).toBeGreaterThanOrEqual(p.run.counts.sessions * p.figures.wifiConnectMs.value);
    const e = p.energy;
    expect(e.total).toBeCloseTo(e.boot + e.bundle + e.work + e.waits + e.radio + e.sleep, 6);
    expect(e.radio).toBeGreaterThan(e.sleep);
    expect(e.lifeDays).toBeCloseTo((3000 * p.battery.usable) / (e.total + (3000 * p.battery.selfDischargePerYear) / 365), 3);
    expect(p.sensitivity.length).toBeGreaterThan(3);
  }, 120_000);

  it('meters the occupancy-mqtt sensor wait as light sleep and prices it at lightSleepMa', () => {
    const r = spruce(['power', '--app', 'occupancy-mqtt', '--board', 'esp32', '--hours', '0.5', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.app).toBe('occupancy-mqtt');
    // Every wake light-slept through the SCD41 single shot (5 s + margin), none idled through it.
    expect(p.counts.lightSleepMs).toBeGreaterThanOrEqual(p.run.counts.wakes * 5000);
    expect(p.run.meter.lightSleepMs).toBe(p.counts.lightSleepMs);
    expect(p.counts.firmwareAwakeMs).toBeLessThan(p.run.counts.wakes * 5000);
    const e = p.energy;
    const lightMah = ((p.counts.lightSleepMs * p.figures.lightSleepMa.value) / 3_600_000) * (86_400_000 / p.counts.periodMs);
    const idleMah = ((p.counts.firmwareAwakeMs * p.figures.idleMa.value) / 3_600_000) * (86_400_000 / p.counts.periodMs);
    expect(e.waits).toBeCloseTo(lightMah + idleMah, 6);
    expect(p.run.wifiConnects).toBeGreaterThan(0);
  }, 120_000);

  it('says so when a serial-only build never turns Wi-Fi on', () => {
    const r = spruce(['power', '--app', 'occupancy', '--board', 'esp32', '--hours', '0.25']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('never turned Wi-Fi on');
    expect(r.stdout).toContain('--app occupancy-mqtt');
  }, 120_000);

  it('prints where the energy goes, and refuses bad input with a hint', () => {
    const bad = spruce(['power', '--app', 'mqtt-probe', '--board', 'esp32', '--battery', '-5']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--battery');
    const unknown = spruce(['power', '--app', 'mqtt-probe', '--board', 'nope']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('nope');
  });
});

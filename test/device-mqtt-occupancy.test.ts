// The occupancy-mqtt app (provisioned with spruce.net) on the virtual board, with
// two hours of the occupancy dataset on its sensors, a real broker (aedes) behind its virtual
// Wi-Fi and the network down for 40 minutes in the middle: the transmit policy keeps the radio
// off on most wakes, and every class change still reaches the broker, once, within the bound.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../host/build/index.ts';
import { loadOccupancyDay } from '../host/power/dataset.ts';
import { runVirtualDay } from '../host/power/virtual-day.ts';

describe('occupancy app over MQTT on the virtual board', () => {
  it('sends on class changes within the latency bound, survives an outage, delivers every change once (or holds it within its bound)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'spruce-occ-mqtt-'));
    try {
      const built = await buildApp({ board: 'esp32', app: 'occupancy-mqtt', outDir: out });
      const files: Record<string, Uint8Array> = {};
      for (const entry of built.manifest.storage) files[entry.name] = new Uint8Array(readFileSync(entry.path));
      // 07:00-09:00 on 2015-02-03: the office fills up (a class change) during the window.
      const rows = loadOccupancyDay().slice(420, 540);
      const run = await runVirtualDay({ bundle: built.code, files, rows, wifiConnectMs: 2000, networkDown: (m) => m >= 30 && m < 70 });
      expect(run.counts.wakes).toBeGreaterThan(110);
      // The radio came on only for a few sessions (power-on mailbox check, changes, retries).
      expect(run.wifiAttempts).toBeLessThan(15);
      expect(run.counts.failedSessions).toBeGreaterThan(0);
      expect(run.changes.length).toBeGreaterThan(0);
      // A change still queued at the end must be younger than its bound (it is waiting to share a session).
      for (const f of run.left) if (f.kind === 'c') expect(run.counts.wakes - f.boot).toBeLessThan(5);
      expect(run.duplicates).toBe(0);
      expect(run.framesByKind.t).toBe(1);
      // Changes outside the outage reached the broker within the bound after the wake that saw them.
      for (const c of run.changes) {
        const wokeMin = c.wokeMs / 60_000;
        if (wokeMin < 25 || wokeMin >= 70) expect((c.deliveredMs - c.wokeMs) / 1000).toBeLessThanOrEqual(300 - 60);
      }
      expect(run.agreement.matching / run.agreement.wakes).toBeGreaterThan(0.9);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});

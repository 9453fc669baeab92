/**
 * The main job end to end: real firmware bundles on virtual boards replaying held-out data, the
 * bridge (verification, WAL, acks through the device's ack()), the embedded aedes broker, and a
 * consumer verifying every message. Kept short (a quarter of a simulated hour, occupancy only) so the
 * suite stays fast; `spruce demo` runs the full fleet.
 */
import { describe, expect, it } from 'vitest';
import { formatDemoSummary, runDemo } from '../host/bridge/demo.ts';

describe('spruce demo (fleet → bridge → embedded broker)', () => {
  it('delivers every message the occupancy boards print, verified, and says so', async () => {
    const lines: string[] = [];
    const summary = await runDemo({ hours: 0.5, occupancy: 2, activity: 0, embeddedPort: 0, live: true, out: (l) => lines.push(l) });
    expect(summary.ok).toBe(true);
    expect(summary.devices.map((d) => d.id)).toEqual(['occ-1', 'occ-2']);
    for (const device of summary.devices) {
      expect(device.delivered).toBeGreaterThanOrEqual(3); // status, class, summaries
      expect(device.delivered).toBeLessThanOrEqual(device.printed);
    }
    expect(summary.bridge.forwarded).toBe(summary.consumer.distinct);
    expect(summary.consumer.failedVerification).toBe(0);
    expect(Object.values(summary.bridge.rejected).every((n) => n === 0)).toBe(true);
    expect(lines.some((l) => l.includes('spruce/occ-1/summary'))).toBe(true);
    expect(formatDemoSummary(summary)).toContain('OK: every accepted message reached the consumer');
  }, 120_000);
});

import { describe, expect, it } from 'vitest';
import { Scenario } from '../support/scenario.ts';
describe('smoke', () => {
  it('delivers', async () => {
    const s = new Scenario({ devices: 4, messages: 30000, rate: 12000, noise: 0.01 });
    try {
      await s.setup();
      await s.startBridge();
      await s.startDevices();
      await s.waitForDelivery(30000);
      const r = s.result();
      console.log(JSON.stringify({ ...r, missing: r.missing.length, counters: s.inProcess!.bridge.counters }, null, 1));
      expect(r.missing).toEqual([]);
    } finally {
      await s.teardown();
    }
  });
});

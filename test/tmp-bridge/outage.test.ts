import { it } from 'vitest';
import { sleep } from '../support/mosquitto.ts';
import { Scenario } from '../support/scenario.ts';
it('outage debug', async () => {
  const s = new Scenario({ devices: 4, messages: 70000, rate: 12000, childBridge: true, noise: 0.005, retransmitMs: 10000 });
  try {
    await s.setup(); await s.startBridge(); await s.startDevices();
    while (s.generatedCount < 700) await sleep(50);
    await s.broker.shutdown();
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) {
      await sleep(1000);
      const st = s.lastChildStatus as any;
      console.log(((Date.now()-t0)/1000).toFixed(0), 'gen', s.generatedCount, 'outbox', s.sims.map(x=>x.outboxSize).join(','), 'resent', s.sims.map(x=>x.resent).join(','), 'st', st && JSON.stringify({rx: st.received, acc: st.accepted, q: st.queued, fwd: st.forwarded, mem: st.memoryMB, rej: st.rejected, def: st.deferred}));
      if (st?.queued > 65535) break;
    }
    await s.broker.restart();
    for (let i = 0; i < 40; i++) {
      await sleep(1000);
      const st = s.lastChildStatus as any;
      console.log('after', 'missing', s.missing().length, 'st', st && JSON.stringify({q: st.queued, fwd: st.forwarded, mem: st.memoryMB, b: st.broker}));
      if (s.sims.every(x => x.done) && s.missing().length === 0) break;
    }
    console.log(s.result().bridgeStderr.slice(-2000));
  } finally { await s.teardown(); }
}, 200000);

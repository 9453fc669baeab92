import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_POLICY, afterSession, decide, initialPolicyState, type OutboxView } from './policy.ts';

const cfg = { ...DEFAULT_POLICY, maxLatencyS: 300, wakeIntervalS: 60, batchBytes: 1000, maxAgeS: 3600, mailboxEveryS: 7200 };
const empty: OutboxView = { count: 0, bytes: 0, oldestAt: -1, oldestUrgentAt: -1 };
const contacted = { failures: 0, nextTryAt: 0, lastContactAt: 0 };

describe('transmit policy', () => {
  it('stays off with nothing to send and a recently checked mailbox', () => {
    expect(decide(cfg, contacted, empty, 100)).toEqual({ send: false, reason: 'idle' });
  });

  it('holds an urgent record only while the next wake is still within the latency bound', () => {
    const ob = { count: 1, bytes: 80, oldestAt: 1000, oldestUrgentAt: 1000 };
    expect(decide(cfg, contacted, ob, 1000).send).toBe(false);
    expect(decide(cfg, contacted, ob, 1179).send).toBe(false); // next wake at 1239: age 239, inside the bound
    expect(decide(cfg, contacted, ob, 1240)).toEqual({ send: true, reason: 'urgent' }); // next wake would be at the bound
    expect(decide({ ...cfg, wakeIntervalS: 300 }, contacted, ob, 1000)).toEqual({ send: true, reason: 'urgent' });
    expect(decide({ ...cfg, maxLatencyS: 0 }, contacted, ob, 1000)).toEqual({ send: true, reason: 'urgent' });
  });

  it('property: with wakes every wakeIntervalS, an urgent record never waits past the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 599 }), (interval, bound, phase) => {
        const c = { ...cfg, wakeIntervalS: interval, maxLatencyS: bound };
        const queued = 10_000 + phase;
        for (let t = 10_000 + interval * Math.ceil(phase / interval); ; t += interval) {
          if (decide(c, contacted, { count: 1, bytes: 1, oldestAt: queued, oldestUrgentAt: queued }, t).send) {
            // Sent strictly before the bound, unless wakes are too far apart to wait at all.
            if (interval < bound) expect(t - queued).toBeLessThan(bound);
            else expect(t).toBeLessThan(queued + interval);
            return;
          }
        }
      }),
    );
  });

  it('sends routine records when the batch is full or the oldest is too old', () => {
    expect(decide(cfg, contacted, { count: 9, bytes: 1000, oldestAt: 50, oldestUrgentAt: -1 }, 100).reason).toBe('batch');
    expect(decide(cfg, contacted, { count: 1, bytes: 10, oldestAt: 0, oldestUrgentAt: -1 }, 3539).reason).toBe('wait');
    expect(decide(cfg, contacted, { count: 1, bytes: 10, oldestAt: 0, oldestUrgentAt: -1 }, 3540).reason).toBe('age');
  });

  it('checks the mailbox on first boot and then every mailboxEveryS', () => {
    expect(decide(cfg, initialPolicyState(), empty, 5).reason).toBe('mailbox');
    expect(decide(cfg, contacted, empty, 7199).send).toBe(false);
    expect(decide(cfg, contacted, empty, 7200).reason).toBe('mailbox');
    expect(decide({ ...cfg, mailboxEveryS: 0 }, initialPolicyState(), empty, 5).send).toBe(false);
  });

  it('backs off exponentially after failures, capped, and resets on success', () => {
    let s = initialPolicyState();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      s = afterSession(cfg, s, false, 1000, 0);
      delays.push(s.nextTryAt - 1000);
    }
    expect(delays).toEqual([120, 240, 480, 960, 1920, 3600, 3600, 3600]);
    const urgent = { count: 1, bytes: 1, oldestAt: 0, oldestUrgentAt: 0 };
    expect(decide(cfg, s, urgent, 4599)).toEqual({ send: false, reason: 'backoff' });
    expect(decide(cfg, s, urgent, 4600).send).toBe(true);
    expect(afterSession(cfg, s, true, 5000, 0)).toEqual({ failures: 0, nextTryAt: 0, lastContactAt: 5000 });
    const jittered = afterSession(cfg, initialPolicyState(), false, 0, 0.999);
    expect(jittered.nextTryAt).toBeGreaterThan(120);
    expect(jittered.nextTryAt).toBeLessThanOrEqual(150);
  });
});

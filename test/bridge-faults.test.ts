/**
 * The bridge under faults, with real parts: mosquitto (temp config, persistence on,
 * max_queued_messages 0), device simulators on socat pty pairs speaking the signed wire format with
 * noise, a persistent QoS 1 subscriber, and the bridge in-process or as a child `spruce bridge`.
 *
 * One fault per scenario while traffic flows at a few thousand messages/s. Pass: every generated
 * (dev, boot, seq) reaches the subscriber, except — only where the broker itself is killed — messages
 * the broker had acknowledged before dying (lost inside the broker; counted as their own class);
 * nothing invalid is forwarded; memory stays bounded; no unhandled errors.
 *
 * Message counts: the issue asks for 20-30k per scenario. The whole project suite must stay well
 * under 15 minutes on 2 cores, so the default here is REDUCED to 6,000 per scenario (the >65,535
 * outage scenario always generates 70,000, since that is its point). SPRUCE_SOAK_MESSAGES=25000 runs
 * the full count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasMosquitto, sleep } from './support/mosquitto.ts';
import { hasSocat } from './support/pty-pair.ts';
import { Scenario, soakMessages, type ScenarioResult } from './support/scenario.ts';

const ready = hasMosquitto() && hasSocat();
const MESSAGES = soakMessages(6000);
const RATE = 3000;

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.teardown();
  scenario = null;
});

async function untilGenerated(s: Scenario, fraction: number): Promise<void> {
  while (s.generatedCount < s.options.messages * fraction) await sleep(50);
}

/** Waits for the subscriber to stop receiving (the broker has delivered what it will). */
async function untilQuiet(s: Scenario, quietMs = 1500, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < deadline) {
    const n = s.subscriber.messages;
    if (n !== last) {
      last = n;
      since = Date.now();
    } else if (Date.now() - since > quietMs && s.missing().length === 0) {
      return;
    } else if (Date.now() - since > quietMs * 3) {
      return;
    }
    await sleep(100);
  }
}

function expectClean(r: ScenarioResult): void {
  expect(r.invalid).toEqual([]);
  expect(r.userPropertyMismatches).toBe(0);
  expect(r.bridgeStderr).not.toMatch(/Unhandled|TypeError|ReferenceError|RangeError/);
}

function expectRejectionsCounted(s: Scenario): void {
  const r = s.result();
  const c = s.inProcess!.bridge.counters;
  expect(c.rejected.forged).toBe(r.injected.forged);
  expect(c.rejected.malformed).toBe(r.injected.malformed);
  expect(c.rejected.overlong).toBe(r.injected.overlong);
  expect(c.rejected['unknown-device']).toBe(r.injected.unknown);
  expect(c.deviceErrors).toBe(r.injected.uncaught);
}

describe.skipIf(!ready)('bridge fault scenarios (mosquitto + socat ptys)', () => {
  it(`broker kill -9 and restart (${MESSAGES} msgs): only broker-acknowledged messages may be lost, counted apart`, async () => {
    const s = (scenario = new Scenario({ devices: 3, messages: MESSAGES, rate: RATE }));
    await s.setup();
    await s.startBridge();
    await s.startDevices();
    await untilGenerated(s, 0.4);
    await sleep(1200); // let at least one autosave of the subscriber's session happen
    const connectionKilled = s.inProcess!.mqtt.connects;
    await s.broker.kill9();
    await sleep(1000);
    await s.broker.restart();
    await s.waitForBridgeIdle(90_000);
    await untilQuiet(s);
    const r = s.result();
    // PUBACKed on the connection to the broker instance we killed: lost inside the broker.
    const lostInBroker = r.missing.filter((id) => s.pubackConnection.get(id) === connectionKilled);
    const lostElsewhere = r.missing.filter((id) => !lostInBroker.includes(id));
    console.log(`broker kill -9: ${r.generated} generated, ${r.delivered} delivered, ${lostInBroker.length} lost inside the broker (PUBACKed before the kill), ${r.duplicates} duplicates, ${r.seconds.toFixed(1)} s`);
    expect(r.generated).toBe(s.expectedTotal);
    expect(lostElsewhere).toEqual([]);
    expect(s.inProcess!.bridge.queued).toBe(0);
    expectClean(r);
    expectRejectionsCounted(s);
  }, 180_000);

  it(`broker SIGSTOP / SIGCONT (${MESSAGES} msgs): nothing lost`, async () => {
    const s = (scenario = new Scenario({ devices: 3, messages: MESSAGES, rate: RATE }));
    await s.setup();
    await s.startBridge();
    await s.startDevices();
    await untilGenerated(s, 0.3);
    s.broker.stop();
    await sleep(3000);
    s.broker.cont();
    await s.waitForDelivery(90_000);
    const r = s.result();
    console.log(`broker SIGSTOP: ${r.generated} generated, ${r.delivered} delivered, ${r.duplicates} duplicates, ${r.seconds.toFixed(1)} s`);
    expect(r.generated).toBe(s.expectedTotal);
    expect(r.missing).toEqual([]);
    expectClean(r);
    expectRejectionsCounted(s);
  }, 180_000);

  it(`bridge kill -9 and restart as a child process (${MESSAGES} msgs): nothing lost`, async () => {
    const s = (scenario = new Scenario({ devices: 3, messages: MESSAGES, rate: RATE, childBridge: true }));
    await s.setup();
    await s.startBridge();
    await s.startDevices();
    await untilGenerated(s, 0.4);
    await s.killChildBridge();
    await sleep(500);
    await s.startBridge();
    await s.waitForDelivery(120_000);
    const r = s.result();
    console.log(`bridge kill -9: ${r.generated} generated, ${r.delivered} delivered, ${r.duplicates} duplicates, replayed ${String(s.lastChildStatus?.replayed)}, ${r.seconds.toFixed(1)} s`);
    expect(r.bridgeExits).toEqual([null]); // killed once by us, never exited by itself
    expect(r.generated).toBe(s.expectedTotal);
    expect(r.missing).toEqual([]);
    expectClean(r);
  }, 180_000);

  it(`serial unplug mid-line and replug (${MESSAGES} msgs): nothing lost, no glued lines`, async () => {
    const s = (scenario = new Scenario({ devices: 2, messages: MESSAGES, rate: RATE }));
    await s.setup();
    await s.startBridge();
    await s.startDevices();
    await untilGenerated(s, 0.4);
    await s.pairs[0]!.unplug();
    await sleep(1000);
    await s.pairs[0]!.start();
    await s.waitForDelivery(90_000);
    const r = s.result();
    console.log(`unplug: ${r.generated} generated, ${r.delivered} delivered, ${r.duplicates} duplicates, ${r.seconds.toFixed(1)} s`);
    expect(r.generated).toBe(s.expectedTotal);
    expect(r.missing).toEqual([]);
    expect(s.inProcess!.bridge.counters.received).toBeGreaterThan(0);
    expectClean(r);
  }, 180_000);

  it('broker outage longer than 65,535 messages (70,000 queued): nothing lost, memory bounded', async () => {
    const total = Math.max(70_000, MESSAGES);
    const s = (scenario = new Scenario({ devices: 4, messages: total, rate: 12_000, childBridge: true, noise: 0.005, retransmitMs: 10_000 }));
    await s.setup();
    await s.startBridge();
    // RSS of the idle child bridge: the CLI loads every command's modules (~300 MB), so the bound
    // checked is the growth while 70,000 messages wait, which the WAL cap (--wal-max-mb) limits.
    const baseMemory = Number(s.lastChildStatus?.memoryMB);
    await s.startDevices();
    await untilGenerated(s, 0.01);
    await s.broker.shutdown();
    let peakQueued = 0;
    let peakMemory = 0;
    const track = (): void => {
      peakQueued = Math.max(peakQueued, Number(s.lastChildStatus?.queued ?? 0));
      peakMemory = Math.max(peakMemory, Number(s.lastChildStatus?.memoryMB ?? 0));
    };
    const deadline = Date.now() + 120_000;
    while (peakQueued <= 65_535 && Date.now() < deadline) {
      track();
      await sleep(200);
    }
    expect(peakQueued).toBeGreaterThan(65_535);
    await s.broker.restart();
    const until = Date.now() + 120_000;
    while (Date.now() < until) {
      track();
      if (s.sims.every((sim) => sim.done) && s.missing().length === 0) break;
      await sleep(250);
    }
    const r = s.result();
    console.log(`outage: ${r.generated} generated, peak queued ${peakQueued}, ${r.delivered} delivered, ${r.duplicates} duplicates, bridge RSS ${baseMemory} MB idle, ${peakMemory} MB peak, ${r.seconds.toFixed(1)} s`);
    expect(r.missing).toEqual([]);
    // Live data is ~1 KB per queued message at most; RSS also holds garbage V8 has not collected yet,
    // so the bound is loose. What truly bounds it is --wal-max-mb (tested in host/bridge/bridge.test.ts).
    expect(peakMemory - baseMemory).toBeLessThan(450);
    expectClean(r);
  }, 240_000);
});

import { describe, expect, it } from 'vitest';
import { MemoryFlash } from '../flash-memory.ts';
import { outboxPut } from '../outbox.ts';
import { interpretCommand } from '../downlink.ts';
import { flashMailbox, loadMailbox, loadPolicyState, outboxFrames, outboxView, savePolicyState, withMailboxSettings } from './stores.ts';

const rules = { settings: { periodMs: { min: 10_000, max: 3_600_000, integer: true } }, files: { 'm.lut': 16 } };
const latin1 = (b64: string) => Buffer.from(b64, 'base64').toString('latin1');

describe('MQTT uplink stores', () => {
  it('the mailbox saves settings, files and the id; the app config picks the settings up', () => {
    const flash = new MemoryFlash();
    const box = flashMailbox(flash, latin1);
    const cmd = interpretCommand(JSON.stringify({ id: 3, set: { periodMs: 240000 }, file: { name: 'm.lut', b64: Buffer.from([1, 2, 255]).toString('base64') } }), rules, box.lastId());
    expect(box.apply(cmd)).toBe(true);
    expect(box.lastId()).toBe(3);
    expect(flash.read('m.lut')).toBe('\x01\x02\xff');
    const config = withMailboxSettings({ periodMs: 60000, summaryEvery: 15 }, flash);
    expect(config).toEqual({ periodMs: 240000, summaryEvery: 15 });
    // A refused command advances the id (re-delivery would be refused again) but changes nothing.
    expect(box.apply(interpretCommand('{"id":4,"set":{"periodMs":1}}', rules, 3))).toBe(true);
    expect(loadMailbox(flash).state).toEqual({ id: 4, set: { periodMs: 240000 } });
  });

  it('policy state round-trips through flash and survives a torn newest copy', () => {
    const flash = new MemoryFlash();
    expect(loadPolicyState(flash).state).toEqual({ failures: 0, nextTryAt: 0, lastContactAt: -1 });
    savePolicyState(flash, 0, { failures: 2, nextTryAt: 500, lastContactAt: 10 });
    const loaded = loadPolicyState(flash);
    expect(loaded.state).toEqual({ failures: 2, nextTryAt: 500, lastContactAt: 10 });
    savePolicyState(flash, loaded.gen, { failures: 3, nextTryAt: 900, lastContactAt: 10 });
    const newest = flash.list().find((n) => n.startsWith('sp.x') && flash.read(n)!.includes('"failures":3'))!;
    flash.write(newest, flash.read(newest)!.slice(0, 12)); // torn
    expect(loadPolicyState(flash).state.failures).toBe(2);
  });

  it('the outbox view gives the policy counts and boot-clock ages, urgent kinds apart', () => {
    const flash = new MemoryFlash();
    outboxPut(flash, 's', 10, 0, 'summary', 100);
    outboxPut(flash, 'c', 12, 0, 'change', 100);
    outboxPut(flash, 'r', 13, 1, 'reading', 100);
    expect(outboxView(flash, 60, 200)).toEqual({ count: 3, bytes: 600, oldestAt: 600, oldestUrgentAt: 720 });
    const frames = outboxFrames(flash);
    expect(frames.pending(2).map((f) => f.line)).toEqual(['summary', 'change']);
    frames.ack(12, 0);
    expect(frames.pending(10).map((f) => f.line)).toEqual(['summary', 'reading']);
  });
});

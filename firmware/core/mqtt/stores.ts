/**
 * The persistent pieces of the MQTT uplink, over the core's Flash interface (ES5):
 *   - the outbox as a FrameSource for the session, and as the policy's OutboxView;
 *   - the mailbox state (last applied command id + the settings received over the air);
 *   - the transmit policy's backoff state.
 * Mailbox and policy state are kept in two-slot records (slots.ts), so a power cut during their
 * update leaves the previous copy readable.
 *
 * Time for the policy is measured in boots: every timer wake is a boot and the boot counter is
 * already in flash, so `boot * wakeIntervalS` is a clock that survives deep sleep for free
 * (Espruino has no RTC memory API). A power-on boot counts as one more interval: conservative.
 */
import type { Flash } from '../flash';
import { loadSlot, saveSlot } from '../slots';
import { outboxAck, outboxEntries, outboxLine } from '../outbox';
import type { DownlinkOutcome } from '../downlink';
import type { OutboxView, PolicyState } from '../policy';
import { initialPolicyState } from '../policy';
import type { FrameSource, Mailbox, PendingFrame } from './session';

export var MAILBOX_SLOTS = 'sp.m';
export var POLICY_SLOTS = 'sp.x';

/** Kinds the policy treats as urgent: class changes and errors. */
export var URGENT_KINDS = 'ce';

export function outboxFrames(flash: Flash): FrameSource {
  return {
    pending: function (limit: number): PendingFrame[] {
      var entries = outboxEntries(flash);
      var out: PendingFrame[] = [];
      for (var i = 0; i < entries.length && out.length < limit; i++) {
        var line = outboxLine(flash, entries[i]);
        if (line !== null) out.push({ boot: entries[i].boot, seq: entries[i].seq, line: line });
      }
      return out;
    },
    ack: function (boot: number, seq: number): void {
      outboxAck(flash, boot, seq);
    },
  };
}

/**
 * The outbox summarised for the policy, with times in seconds of boot-clock (boot * interval).
 * Bytes are estimated from a typical frame size, to avoid reading every record on every wake.
 */
export function outboxView(flash: Flash, wakeIntervalS: number, frameBytes: number): OutboxView {
  var entries = outboxEntries(flash);
  var view: OutboxView = { count: entries.length, bytes: entries.length * frameBytes, oldestAt: -1, oldestUrgentAt: -1 };
  for (var i = 0; i < entries.length; i++) {
    var at = entries[i].boot * wakeIntervalS;
    if (view.oldestAt < 0 || at < view.oldestAt) view.oldestAt = at;
    if (URGENT_KINDS.indexOf(entries[i].kind) >= 0 && (view.oldestUrgentAt < 0 || at < view.oldestUrgentAt)) view.oldestUrgentAt = at;
  }
  return view;
}

export interface MailboxState {
  /** Last command id applied. */
  id: number;
  /** Settings received over the air; the app lays them over its config at boot. */
  set: { [key: string]: number };
}

export function loadMailbox(flash: Flash): { gen: number; state: MailboxState } {
  var slot = loadSlot<MailboxState>(flash, MAILBOX_SLOTS);
  if (!slot || !slot.v || typeof slot.v.id !== 'number') return { gen: 0, state: { id: 0, set: {} } };
  return { gen: slot.g, state: { id: slot.v.id, set: slot.v.set || {} } };
}

/**
 * The mailbox over flash. `decodeBase64` is atob on the device. A file is written before the id
 * is saved, so a cut in between re-applies the command (idempotent) instead of losing it.
 */
export function flashMailbox(flash: Flash, decodeBase64: (b64: string) => string): Mailbox {
  return {
    lastId: function (): number {
      return loadMailbox(flash).state.id;
    },
    apply: function (o: DownlinkOutcome): boolean {
      if (o.empty) return true;
      var loaded = loadMailbox(flash);
      var state = loaded.state;
      if (o.ok && !o.duplicate) {
        if (o.file && !flash.write(o.file.name, decodeBase64(o.file.b64))) return false;
        for (var k in o.settings) state.set[k] = o.settings[k];
      }
      // Refused commands advance the id too: re-delivering them would be refused again.
      if (o.id > state.id) {
        state.id = o.id;
        saveSlot(flash, MAILBOX_SLOTS, loaded.gen + 1, state);
      }
      return true;
    },
  };
}

export function loadPolicyState(flash: Flash): { gen: number; state: PolicyState } {
  var slot = loadSlot<PolicyState>(flash, POLICY_SLOTS);
  var v = slot ? slot.v : null;
  if (!slot || !v || typeof v.failures !== 'number' || typeof v.nextTryAt !== 'number' || typeof v.lastContactAt !== 'number') {
    return { gen: slot ? slot.g : 0, state: initialPolicyState() };
  }
  return { gen: slot.g, state: v };
}

export function savePolicyState(flash: Flash, gen: number, state: PolicyState): void {
  saveSlot(flash, POLICY_SLOTS, gen + 1, state);
}

/**
 * The app's config with the settings received over the air laid on top (only keys the config
 * has and numbers; the mailbox already checked them against the app's rules).
 */
export function withMailboxSettings<T>(config: T, flash: Flash): T {
  var set = loadMailbox(flash).state.set;
  var out: { [key: string]: unknown } = {};
  var base = config as unknown as { [key: string]: unknown };
  for (var k in base) out[k] = base[k];
  for (var key in set) {
    if (typeof base[key] === 'number' && typeof set[key] === 'number') out[key] = set[key];
  }
  return out as unknown as T;
}

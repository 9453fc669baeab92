/**
 * The persistence around step(): what one wake does with flash, in an order that survives a power
 * cut at any point. Pure (flash and SHA-256 are injected), so Node tests drive thousands of wakes
 * with power cuts, and the device runs the very same code.
 *
 *   beginWake:  raise the boot counter (boot.ts) BEFORE anything is sent with this boot value.
 *   finishWake: load state, step, sign each frame, put it in the outbox, THEN save the state.
 *               A cut between the two repeats this wake's frames on the next boot under a new
 *               (boot, seq) rather than losing them (at-least-once; consumers dedupe on content
 *               when they must). State is in A/B slots (slots.ts).
 *   pending:    the oldest frames for the uplink; a torn one is erased and counted.
 */
import { nextBoot } from './boot';
import type { StepConfig } from './config';
import type { Flash } from './flash';
import type { HmacSigner } from './hmac';
import type { Classifier } from './occupancy';
import { outboxEntries, outboxLine, outboxPut, type OutboxEntry } from './outbox';
import { loadSlot, saveSlot } from './slots';
import type { Persisted, StepInput, StepResult } from './step';
import { isPersisted, step } from './step';
import { asciiJson, formatFrame } from './wire';

var STATE_SLOTS = 'sp.s';

export interface Identity {
  dev: string;
  signer: HmacSigner;
}

export interface PendingFrame {
  boot: number;
  seq: number;
  line: string;
}

/** The step's result (the state saved, drops included), with the lines put in the outbox this wake, in order. */
export interface WakeOutcome extends StepResult {
  lines: string[];
}

/** beginWake(flash): the boot counter's nextBoot itself (one function in the bundle, not a wrapper). */
export { nextBoot as beginWake };

export function loadState(flash: Flash): { gen: number; state: Persisted | null } {
  var slot = loadSlot<Persisted | null>(flash, STATE_SLOTS) || { g: 0, v: null };
  return { gen: slot.g, state: isPersisted(slot.v) ? slot.v : null };
}

export function finishWake(flash: Flash, boot: number, identity: Identity, input: StepInput, config: StepConfig, classify: Classifier): WakeOutcome {
  var loaded = loadState(flash);
  var outcome = step(loaded.state, input, config, classify) as WakeOutcome;
  outcome.lines = [];
  for (var seq = 0; seq < outcome.frames.length; seq++) {
    var frame = outcome.frames[seq];
    var json = asciiJson({ dev: identity.dev, boot: boot, seq: seq, k: frame.k, d: frame.d });
    var line = formatFrame(json, identity.signer.signHex(json));
    outcome.persisted.drops += outboxPut(flash, frame.k, boot, seq, line, config.outboxMax);
    outcome.lines.push(line);
  }
  saveSlot(flash, STATE_SLOTS, loaded.gen + 1, outcome.persisted);
  return outcome;
}

/**
 * Up to `limit` pending frames, oldest first. Torn records are erased and counted in the saved
 * state's `torn` (reported in the next status/summary), or handed to `onTorn` by an app that keeps
 * no wake state (the activity app runs continuously and counts them in RAM).
 */
export function pendingFrames(flash: Flash, limit: number, onTorn?: (count: number) => void): PendingFrame[] {
  var entries = outboxEntries(flash);
  var out: PendingFrame[] = [];
  var torn = 0;
  for (var i = 0; i < entries.length && out.length < limit; i++) {
    // The outbox entry itself, with its line: a PendingFrame (its name and kind come along).
    var frame = entries[i] as OutboxEntry & { line: string | null };
    frame.line = outboxLine(flash, frame);
    if (frame.line === null) torn++;
    else out.push(frame as PendingFrame);
  }
  if (torn > 0 && onTorn) onTorn(torn);
  else if (torn > 0) {
    var loaded = loadState(flash);
    if (loaded.state !== null) {
      loaded.state.torn += torn;
      saveSlot(flash, STATE_SLOTS, loaded.gen + 1, loaded.state);
    }
  }
  return out;
}

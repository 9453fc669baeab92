/**
 * The virtual board's idle loop and power cycle: between pieces of firmware JS it runs queued
 * events (callbacks posted by modules, setWatch), then the next timer, moving virtual time
 * straight to it; a sleeping board is woken when its deep-sleep timer is due (a new boot).
 *
 * Speed: Node's vm timeout (the watchdog against runaway firmware) starts a thread per guarded
 * evaluation, which cost more than the rest of a wake. So steps run in BURSTS: one guarded
 * evaluation in a tiny persistent context calls step() back to back, and every piece of firmware
 * runs nested inside it (its promise jobs still run right after it). A burst may span many wakes
 * and ends after ~0.5 s of real time, when something must be awaited, or when the goal is met.
 *
 * Real I/O (a socket to a real broker) cannot happen in virtual time. While a module holds the
 * clock (board.hold()), the loop waits for real events and lets virtual time follow real time,
 * so a firmware timeout is not skipped past before the network could answer.
 */
import vm from 'node:vm';
import { SpruceError } from '../errors.ts';
import type { VirtualClock } from './clock.ts';
import { isScriptTimeout } from './port.ts';
import type { DeviceSession } from './device/session.ts';
import type { Meter, MeterReading, PowerState } from './meter.ts';

export type BoardState = PowerState;

export interface WakeResult {
  /** The wake-up cause the boot saw (0 power-on/reset, 4 timer, 2 pin). */
  cause: number;
  /** Requested deep-sleep length (ms), or undefined if the board did not sleep. */
  sleepMs: number | undefined;
  /** From wake to deep sleep (or to the stop), including the boot cost. */
  awakeMs: number;
  /** Why this wake ended. */
  ended: 'sleep' | 'idle' | 'limit' | 'powerloss' | 'watchdog';
}

/**
 * What the loop drives: the board's power state, clock and run queue, and the few actions a run
 * takes (boot, finish a restart, watchdog reset). VirtualBoard implements it and calls in here.
 */
export interface RunnableBoard {
  readonly state: BoardState;
  readonly clock: VirtualClock;
  readonly meter: Meter;
  readonly control: RunControl;
  readonly session: DeviceSession | undefined;
  readonly wakeCause: number;
  readonly wakeAtMs: number | undefined;
  readonly wokeAtMs: number;
  readonly scriptTimeoutMs: number;
  /** True while a burst runs: nested evaluations need no own timeout. */
  bursting: boolean;
  boot(cause?: number): void;
  afterFirmware(): void;
  watchdogReset(reason: string): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

export interface QueuedEvent {
  /** A host function to run instead of calling `fn` (e.g. emitting an E.on event). */
  run?: () => void;
  fn: unknown;
  args: unknown[];
  label: string;
  /** The boot the event belongs to: events of an earlier boot are dropped. */
  session: DeviceSession | undefined;
}

export interface RunControl {
  queue: QueuedEvent[];
  holds: number;
  /** Resolves the loop's wait for real I/O early (set while waiting). */
  wakeUp: (() => void) | undefined;
}

/** How long to wait for real I/O before re-checking, ms of real time. */
const IO_SLICE_MS = 20;
/** A burst ends after this much real time or this many steps, so the host stays responsive. */
const BURST_REAL_MS = 500;
const BURST_STEPS = 20_000;
const DEFAULT_MAX_AWAKE_MS = 60 * 60 * 1000;

function waitReal(control: RunControl, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      control.wakeUp = undefined;
      resolve();
    }
    control.wakeUp = done;
  });
}

/** What a run is for, and when it stops. */
interface Goal {
  /** Absolute virtual time to stop at. */
  untilMs: number;
  /** Awake time allowed per wake (from wake-up) before the run stops with 'limit'. */
  maxAwakeMs: number;
  /** Stop once this many wakes have ended (deep sleep, power loss, watchdog reset). */
  stopAfterEnds: number;
  /** May a sleeping board be woken (false: stop at the first sleep). */
  wakeFromSleep: boolean;
  /** Boot a board that is off: never, only at the start of the run, or always (power restored). */
  bootWhenOff: 'never' | 'first' | 'always';
  speed?: number;
}

interface Progress {
  steps: number;
  ends: number;
}

/** The virtual time this wake may run until: the goal's end or its awake allowance, whichever is first. */
function awakeLimit(board: RunnableBoard, goal: Goal): number {
  return Math.min(goal.untilMs, board.wokeAtMs + goal.maxAwakeMs);
}

type Step = 'ran' | 'idle' | 'limit' | 'watchdog' | 'wait' | 'pace' | 'off' | 'end' | 'nowake';

/** One synchronous step towards the goal. */
function step(board: RunnableBoard, goal: Goal, progress: Progress): Step {
  const first = progress.steps++ === 0;
  if (progress.ends >= goal.stopAfterEnds) return 'end';
  if (board.state === 'off') {
    if (goal.bootWhenOff === 'always' || (goal.bootWhenOff === 'first' && first)) {
      board.boot(0);
      return 'ran';
    }
    return 'off';
  }
  const now = board.clock.nowMs;
  if (board.state === 'asleep') {
    if (!goal.wakeFromSleep) return 'end';
    if (board.wakeAtMs === undefined) return 'nowake';
    if (board.wakeAtMs > goal.untilMs) return 'end';
    if (goal.speed && board.wakeAtMs > now) return 'pace';
    board.clock.advanceTo(board.wakeAtMs);
    board.meter.sync();
    board.boot(4);
    return 'ran';
  }
  const session = board.session;
  if (!session || session.halted) return 'ran'; // a restart or halt is being handled
  const control = board.control;
  const event = control.queue.shift();
  if (event) {
    if (event.session === session) {
      if (event.run) event.run();
      else session.callFirmware(event.fn, event.args, event.label);
      board.afterFirmware();
    }
    return 'ran';
  }
  const next = board.clock.peek();
  if (control.holds > 0 && (!next || next.dueMs > now)) return 'wait';
  if (!next) return 'idle';
  const watchdog = session.watchdog;
  if (watchdog && !watchdog.auto && next.dueMs - watchdog.lastKickMs > watchdog.timeoutMs) {
    board.clock.advanceTo(watchdog.lastKickMs + watchdog.timeoutMs);
    board.watchdogReset(`E.kickWatchdog() not called within ${watchdog.timeoutMs / 1000} s`);
    return 'ran';
  }
  const limit = awakeLimit(board, goal);
  if (next.dueMs > limit) {
    board.clock.advanceTo(Math.max(now, limit));
    return 'limit';
  }
  if (goal.speed && next.dueMs > now) return 'pace';
  const timer = board.clock.takeDue(limit);
  if (timer) {
    timer.callback();
    board.afterFirmware();
  }
  return 'ran';
}

/** A persistent, empty context that hosts the burst loop (firmware never runs in it). */
let burstContext: vm.Context | undefined;
const burstScript = new vm.Script('while (step()) {}', { filename: 'spruce-sim-burst.js' });

function burst(board: RunnableBoard, goal: Goal, progress: Progress): Step {
  let result: Step = 'ran';
  const started = performance.now();
  const startSteps = progress.steps;
  burstContext ??= vm.createContext({});
  burstContext.step = () => {
    result = step(board, goal, progress);
    return result === 'ran' && progress.steps - startSteps < BURST_STEPS && performance.now() - started < BURST_REAL_MS;
  };
  board.bursting = true;
  try {
    burstScript.runInContext(burstContext, { timeout: board.scriptTimeoutMs });
  } catch (error) {
    if (!isScriptTimeout(error)) throw error;
    // Termination unwinds everything inside the burst: the firmware that ran away is gone.
    board.watchdogReset('a script ran longer than the watchdog allows (infinite loop?)');
    result = 'ran';
  } finally {
    board.bursting = false;
    burstContext.step = undefined;
  }
  return result;
}

/** Drives the board towards a goal; returns why it stopped. */
async function drive(board: RunnableBoard, goal: Goal): Promise<Step> {
  const progress: Progress = { steps: 0, ends: 0 };
  const onEnd = () => {
    progress.ends++;
  };
  const ends = ['sleep', 'powerloss', 'watchdog'] as const;
  for (const event of ends) board.on(event, onEnd);
  try {
    for (;;) {
      const result = board.scriptTimeoutMs > 0 ? burst(board, goal, progress) : step(board, goal, progress);
      if (result === 'ran') {
        if (board.scriptTimeoutMs > 0 || progress.steps % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      if (result === 'wait') {
        // Real I/O in flight: wait for it, letting virtual time follow real time.
        const now = board.clock.nowMs;
        const next = board.clock.peek();
        const limit = awakeLimit(board, goal);
        if (now >= limit) return 'limit';
        const until = Math.min(next ? next.dueMs : Infinity, limit);
        const started = Date.now();
        await waitReal(board.control, Math.min(IO_SLICE_MS, until - now));
        board.clock.advanceTo(Math.min(until, now + (Date.now() - started)));
        continue;
      }
      if (result === 'pace' && goal.speed) {
        const target = board.state === 'asleep' ? board.wakeAtMs! : (board.clock.peek()?.dueMs ?? board.clock.nowMs);
        const wait = (target - board.clock.nowMs) / goal.speed;
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        board.clock.advanceTo(target);
        board.meter.sync();
        continue; // what is due now runs on the next step, without pacing
      }
      return result;
    }
  } finally {
    for (const event of ends) board.off(event, onEnd);
  }
}

function endedOf(board: RunnableBoard, result: Step): WakeResult['ended'] {
  if (board.state === 'asleep') return 'sleep';
  if (board.state === 'off') return board.session?.halted === 'watchdog' ? 'watchdog' : 'powerloss';
  return result === 'idle' ? 'idle' : 'limit';
}

/** The awake part of a wake, up to virtual time limitMs (used by the real-time console driver). */
export async function runAwake(board: RunnableBoard, limitMs: number, speed?: number): Promise<WakeResult['ended']> {
  if (board.state !== 'awake') return endedOf(board, 'end');
  const result = await drive(board, { untilMs: limitMs, maxAwakeMs: Infinity, stopAfterEnds: 1, wakeFromSleep: false, bootWhenOff: 'never', speed });
  return endedOf(board, result);
}

/**
 * Runs n wakes: boots if off, wakes if asleep, and runs each wake until deep sleep (or power loss,
 * or a watchdog reset, after which the next wake is a cold boot). Stops early when a wake ends
 * with the board awake and nothing scheduled ('idle') or after maxMs of awake time ('limit').
 */
export async function runWakes(
  board: RunnableBoard,
  n: number,
  options: { speed?: number; maxMs?: number; onWake?: (result: WakeResult, index: number) => void } = {},
): Promise<WakeResult[]> {
  if (board.state === 'asleep' && board.wakeAtMs === undefined) {
    throw new SpruceError('E_SIM_NO_WAKE', 'the board sleeps until a pin wakes it and no pin changes are scheduled', {
      hint: 'call board.setPin(pin, level) to wake it, or use a timer deep sleep',
      exit: 'USAGE',
    });
  }
  const results: WakeResult[] = [];
  const record = (result: WakeResult) => {
    results.push(result);
    options.onWake?.(result, results.length - 1);
  };
  const onSleep = ({ sleepMs, awakeMs }: { sleepMs: number; awakeMs: number }) => record({ cause: board.wakeCause, sleepMs, awakeMs, ended: 'sleep' });
  const onOff = (ended: 'powerloss' | 'watchdog') => () => record({ cause: board.wakeCause, sleepMs: undefined, awakeMs: board.clock.nowMs - board.wokeAtMs, ended });
  const onPowerLoss = onOff('powerloss');
  const onWatchdog = onOff('watchdog');
  board.on('sleep', onSleep);
  board.on('powerloss', onPowerLoss);
  board.on('watchdog', onWatchdog);
  try {
    const result = await drive(board, {
      untilMs: Infinity,
      maxAwakeMs: options.maxMs ?? DEFAULT_MAX_AWAKE_MS,
      stopAfterEnds: n,
      wakeFromSleep: true,
      bootWhenOff: 'always',
      speed: options.speed,
    });
    if (result === 'idle' || result === 'limit') {
      record({ cause: board.wakeCause, sleepMs: undefined, awakeMs: board.clock.nowMs - board.wokeAtMs, ended: result });
    }
  } finally {
    board.off('sleep', onSleep);
    board.off('powerloss', onPowerLoss);
    board.off('watchdog', onWatchdog);
  }
  return results;
}

/** One wake (see runWakes). */
export async function runUntilSleep(board: RunnableBoard, options: { maxMs?: number; speed?: number } = {}): Promise<WakeResult> {
  const results = await runWakes(board, 1, options);
  return results[0] ?? { cause: board.wakeCause, sleepMs: undefined, awakeMs: 0, ended: 'sleep' };
}

/** Runs the board for a span of virtual time, through as many wakes and sleeps as happen. */
export async function runFor(board: RunnableBoard, span: { hours?: number; minutes?: number; ms?: number; speed?: number }): Promise<MeterReading> {
  const ms = (span.hours ?? 0) * 3_600_000 + (span.minutes ?? 0) * 60_000 + (span.ms ?? 0);
  const end = board.clock.nowMs + ms;
  await drive(board, { untilMs: end, maxAwakeMs: Infinity, stopAfterEnds: Infinity, wakeFromSleep: true, bootWhenOff: 'always', speed: span.speed });
  if (board.clock.nowMs < end) {
    // Asleep past the end (or until a pin), or awake with nothing to do: time simply passes.
    if (span.speed) await new Promise((resolve) => setTimeout(resolve, (end - board.clock.nowMs) / span.speed!));
    board.clock.advanceTo(end);
  }
  board.meter.sync();
  return board.meter.reading();
}

/**
 * The virtual board's idle loop: between pieces of firmware JS it runs queued events (callbacks
 * posted by modules, setWatch), then the next timer, moving virtual time straight to it. It
 * stops when the board deep-sleeps, loses power, goes idle (no timers, nothing queued, no I/O in
 * flight) or reaches the time limit.
 *
 * Real I/O (a socket to a real broker) cannot happen in virtual time. While a module holds the
 * clock (board.hold()), the loop waits for real events and lets virtual time follow real time,
 * so a firmware timeout is not skipped past before the network could answer.
 */
import { SpruceError } from '../errors.ts';
import type { VirtualBoard, WakeResult } from './board.ts';
import type { DeviceSession } from './device/session.ts';
import type { MeterReading } from './meter.ts';

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
/** Yield to the host's event loop every so many steps so servers in-process can answer. */
const YIELD_EVERY = 256;

function waitReal(control: RunControl, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      control.wakeUp = undefined;
      resolve();
    }
    control.wakeUp = done;
  });
}

export async function runAwake(board: VirtualBoard, limitMs: number, speed?: number): Promise<WakeResult['ended']> {
  const control = board.control;
  let steps = 0;
  while (board.state === 'awake') {
    const session = board.session;
    if (!session || session.halted) break;
    if (++steps % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));

    const event = control.queue.shift();
    if (event) {
      if (event.session === session) {
        if (event.run) event.run();
        else session.callFirmware(event.fn, event.args, event.label);
        board.afterFirmware();
      }
      continue;
    }

    const next = board.clock.peek();
    const now = board.clock.nowMs;
    if (control.holds > 0 && (!next || next.dueMs > now)) {
      const until = Math.min(next ? next.dueMs : Infinity, limitMs);
      if (now >= limitMs) return 'limit';
      const started = Date.now();
      await waitReal(control, Math.min(IO_SLICE_MS, until - now));
      board.clock.advanceTo(Math.min(until, now + (Date.now() - started)));
      continue;
    }
    if (!next) return 'idle';
    const watchdog = session.watchdog;
    if (watchdog && !watchdog.auto && next.dueMs - watchdog.lastKickMs > watchdog.timeoutMs) {
      board.clock.advanceTo(watchdog.lastKickMs + watchdog.timeoutMs);
      board.watchdogReset(`E.kickWatchdog() not called within ${watchdog.timeoutMs / 1000} s`);
      return 'watchdog';
    }
    if (next.dueMs > limitMs) {
      board.clock.advanceTo(limitMs);
      return 'limit';
    }
    if (speed && next.dueMs > now) await new Promise((resolve) => setTimeout(resolve, (next.dueMs - now) / speed));
    const timer = board.clock.takeDue(limitMs);
    if (!timer) continue;
    timer.callback();
    board.afterFirmware();
  }
  if (board.state === 'asleep') return 'sleep';
  return board.state === 'off' && board.session?.halted === 'watchdog' ? 'watchdog' : board.state === 'off' ? 'powerloss' : 'sleep';
}

const DEFAULT_MAX_AWAKE_MS = 60 * 60 * 1000;

/** Moves virtual time to `ms` through a sleep (waiting in real time too when a speed is given). */
async function sleepUntil(board: VirtualBoard, ms: number, speed?: number): Promise<void> {
  if (speed && ms > board.clock.nowMs) await new Promise((resolve) => setTimeout(resolve, (ms - board.clock.nowMs) / speed));
  board.clock.advanceTo(ms);
  board.meter.sync();
}

/** One wake: boot if off, wake if asleep, run until deep sleep, idle, or maxMs of awake time. */
export async function runUntilSleep(board: VirtualBoard, options: { maxMs?: number; speed?: number } = {}): Promise<WakeResult> {
  if (board.state === 'off') board.boot(0);
  else if (board.state === 'asleep') {
    if (board.wakeAtMs === undefined) {
      throw new SpruceError('E_SIM_NO_WAKE', 'the board sleeps until a pin wakes it and no pin changes are scheduled', {
        hint: 'call board.setPin(pin, level) to wake it, or use a timer deep sleep',
        exit: 'USAGE',
      });
    }
    await sleepUntil(board, board.wakeAtMs, options.speed);
    board.boot(4);
  }
  const cause = board.wakeCause;
  const woke = board.wokeAtMs;
  const limit = board.clock.nowMs + (options.maxMs ?? DEFAULT_MAX_AWAKE_MS);
  const ended = await runAwake(board, limit, options.speed);
  const awakeMs = board.state === 'asleep' ? board.lastAwakeMs : board.clock.nowMs - woke;
  return { cause, sleepMs: board.state === 'asleep' ? board.lastSleepMs : undefined, awakeMs, ended };
}

export async function runWakes(
  board: VirtualBoard,
  n: number,
  options: { speed?: number; onWake?: (result: WakeResult, index: number) => void } = {},
): Promise<WakeResult[]> {
  const results: WakeResult[] = [];
  for (let i = 0; i < n; i++) {
    const result = await runUntilSleep(board, { speed: options.speed });
    results.push(result);
    options.onWake?.(result, i);
    if (result.ended === 'idle' || result.ended === 'limit') break;
  }
  return results;
}

export async function runFor(board: VirtualBoard, span: { hours?: number; minutes?: number; ms?: number; speed?: number }): Promise<MeterReading> {
  const ms = (span.hours ?? 0) * 3_600_000 + (span.minutes ?? 0) * 60_000 + (span.ms ?? 0);
  const end = board.clock.nowMs + ms;
  while (board.clock.nowMs < end) {
    if (board.state === 'off') board.boot(0);
    if (board.state === 'asleep') {
      if (board.wakeAtMs === undefined || board.wakeAtMs > end) {
        await sleepUntil(board, end, span.speed);
        break;
      }
      await sleepUntil(board, board.wakeAtMs, span.speed);
      board.boot(4);
    }
    const ended = await runAwake(board, end, span.speed);
    if (ended === 'idle' || ended === 'limit') {
      board.clock.advanceTo(end);
      break;
    }
  }
  return board.meter.reading();
}

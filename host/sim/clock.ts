/**
 * The virtual board's clock. Time is virtual (milliseconds, a float): it only moves when the
 * board's scheduler advances it to the next timer or across a deep sleep, so a simulated day
 * runs in seconds. Timers follow Espruino's semantics: ids are positive integers, an interval
 * re-arms from its previous due time (no drift), clearing an unknown id is harmless, and timers
 * with the same due time run in the order they were set.
 */

export interface Timer {
  id: number;
  dueMs: number;
  /** Re-arm period for setInterval; undefined for setTimeout. */
  periodMs: number | undefined;
  callback: (...args: unknown[]) => unknown;
  args: unknown[];
  /** Tie-breaker: insertion order. */
  order: number;
}

export class VirtualClock {
  private now: number;
  private timers = new Map<number, Timer>();
  private nextId = 1;
  private order = 0;

  constructor(startMs = 0) {
    this.now = startMs;
  }

  get nowMs(): number {
    return this.now;
  }

  /** Moves time forward (never back). */
  advanceTo(ms: number): void {
    if (ms > this.now) this.now = ms;
  }

  advanceBy(ms: number): void {
    if (ms > 0) this.now += ms;
  }

  /** Adds a timer; Espruino clamps negative / NaN delays to 0 and intervals to a minimum. */
  add(callback: Timer['callback'], delayMs: number, repeat: boolean, args: unknown[]): number {
    let delay = Number(delayMs);
    if (!Number.isFinite(delay) || delay < 0) delay = 0;
    // An interval of 0 would spin forever in virtual time; the device cannot go faster than its
    // idle loop either, so give intervals a small floor.
    if (repeat && delay < 1) delay = 1;
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.now + delay, periodMs: repeat ? delay : undefined, callback, args, order: this.order++ });
    return id;
  }

  clear(id: unknown): void {
    if (typeof id === 'number') this.timers.delete(id);
  }

  clearAll(): void {
    this.timers.clear();
  }

  get pendingCount(): number {
    return this.timers.size;
  }

  /** The timer that fires next (earliest due, then earliest set), without removing it. */
  peek(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.timers.values()) {
      if (!best || timer.dueMs < best.dueMs || (timer.dueMs === best.dueMs && timer.order < best.order)) best = timer;
    }
    return best;
  }

  /**
   * Takes the next timer due at or before `limitMs`, moves time to its due time and re-arms it
   * if it is an interval. Returns undefined when nothing is due by then.
   */
  takeDue(limitMs: number): Timer | undefined {
    const timer = this.peek();
    if (!timer || timer.dueMs > limitMs) return undefined;
    this.advanceTo(timer.dueMs);
    if (timer.periodMs === undefined) {
      this.timers.delete(timer.id);
    } else {
      timer.dueMs += timer.periodMs;
      timer.order = this.order++;
    }
    return timer;
  }

  /** Whether a timer id is still pending (intervals stay pending until cleared). */
  has(id: number): boolean {
    return this.timers.has(id);
  }
}

/**
 * Runs a virtual board in REAL time, for a board exposed on a port: a person (or `spruce flash`) on
 * the other end expects a timer of 1 s to take a second, and a deep sleep of a minute to last one.
 * The board's clock is virtual (host/sim/clock.ts); every few milliseconds this driver moves it to
 * "start + wall time elapsed", running whatever firmware is due on the way (the sim's own
 * scheduler does that part), waking the board when its deep-sleep timer is due, and powering it
 * back on after a watchdog reset.
 */
import type { VirtualBoard } from '../board.ts';
import { runAwake } from '../scheduler.ts';

export class RealTimeDriver {
  private timer: NodeJS.Timeout | undefined;
  private stepping = false;
  private realStart = 0;
  private virtualStart = 0;

  constructor(
    private readonly board: VirtualBoard,
    /** Virtual ms per real ms (1 = real time). */
    private readonly speed = 1,
    private readonly periodMs = 5,
  ) {}

  start(): void {
    if (this.timer) return;
    this.realStart = performance.now();
    this.virtualStart = this.board.clock.nowMs;
    if (this.board.state === 'off') this.board.boot(0);
    this.timer = setInterval(() => void this.step(), this.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Virtual time that corresponds to now. */
  private target(): number {
    return this.virtualStart + (performance.now() - this.realStart) * this.speed;
  }

  private async step(): Promise<void> {
    if (this.stepping) return;
    this.stepping = true;
    try {
      const board = this.board;
      const target = this.target();
      if (board.state === 'off') {
        board.boot(0);
      } else if (board.state === 'asleep') {
        const wakeAt = board.wakeAtMs;
        if (wakeAt !== undefined && wakeAt <= target) {
          board.clock.advanceTo(wakeAt);
          board.meter.sync();
          board.boot(4);
        } else {
          board.clock.advanceTo(target);
          board.meter.sync();
          return;
        }
      }
      if (board.state === 'awake') {
        await runAwake(board, target);
        if (board.state === 'awake' && board.clock.nowMs < target) board.clock.advanceTo(target);
      }
    } finally {
      this.stepping = false;
    }
  }
}

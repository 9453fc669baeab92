/**
 * Uplink: how pending frames leave the board. A frame leaves the outbox only when the other side
 * confirms it: ack(boot, seq) over serial (the host calls it through the REPL), PUBACK over MQTT
 * (the MQTT implementation lives next to this one and implements the same interface).
 */
import type { PendingFrame } from '../core/wake';

export interface Uplink {
  /**
   * Offers `frames` (oldest first). Calls `acked(boot, seq)` for every confirmation (the caller
   * removes the frame from the outbox; it returns false when the frame was not pending), and
   * `done()` exactly once when the window is over: everything offered was confirmed, or time ran
   * out. Never throws: a failure only leaves frames pending for the next wake.
   */
  send(frames: PendingFrame[], acked: (boot: number, seq: number) => boolean, done: () => void): void;
}

/**
 * Serial: prints each frame as one console line, then stays awake `ackWindowMs` for the host to
 * call the global `ack(boot, seq)` (it answers true when the frame was pending). Closes early once
 * every offered frame is confirmed.
 *
 * `ack` is defined as soon as the uplink is created (before the sensors are read), and calls
 * `removeFrame` whenever no send is in progress, so a host may acknowledge frames of an earlier
 * wake at any moment the board is awake; they are then not offered again.
 */
export function serialUplink(ackWindowMs: number, removeFrame: (boot: number, seq: number) => boolean): Uplink {
  var handler = removeFrame;
  global.ack = function (boot: number, seq: number): boolean {
    return handler(boot, seq);
  };
  return {
    send: function (frames, acked, done) {
      // Offered frames not yet confirmed; -1 once the window is over.
      var waiting = frames.length;
      var timer = 0;
      function finish(): void {
        if (waiting < 0) return;
        waiting = -1;
        if (timer) clearTimeout(timer);
        done();
      }
      handler = function (boot: number, seq: number): boolean {
        var removed = acked(boot, seq);
        for (var i = 0; i < frames.length; i++) {
          if (removed && frames[i].boot === boot && frames[i].seq === seq && --waiting === 0) finish();
        }
        return removed;
      };
      for (var i = 0; i < frames.length; i++) print(frames[i].line);
      if (waiting) timer = setTimeout(finish, ackWindowMs);
      else finish();
    },
  };
}

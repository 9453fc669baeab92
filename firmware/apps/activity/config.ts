/** The activity app's settings. Window length and features come from the model (model.gen.ts). */
export var ACTIVITY_CONFIG = {
  /** Accelerometer sample rate; the model was trained on data resampled to this rate. */
  rateHz: 50,
  /** Samples between windows (50 % overlap of 64-sample windows: a decision every 0.64 s). */
  hop: 32,
  /** Windows per summary frame: 94 hops of 0.64 s ≈ one minute. */
  summaryEvery: 94,
  /** A class change is reported once it holds for this many consecutive windows (debounce). */
  confirmWindows: 2,
  /**
   * Outbox bound (firmware/core/outbox.md): 96 frames ≈ 18 KB of flash, about 90 minutes of
   * summaries without a host; when full, summaries go before class changes.
   */
  outboxMax: 96,
  /**
   * Unacknowledged frames are offered again every offerEvery windows (16 × 0.64 s ≈ 10 s), at
   * most sendPerCycle of them, oldest first: the board never sleeps, so this replaces the
   * occupancy app's once-per-wake offer, and a long outage costs a bounded burst per cycle.
   */
  offerEvery: 16,
  sendPerCycle: 8,
  /** How long the serial uplink counts an offer as open (acks are accepted at any time). */
  ackWindowMs: 300,
};

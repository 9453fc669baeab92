/**
 * The occupancy step's settings. An app's config.ts overrides some of them; the defaults below are
 * the documented schedule (see outbox.md for what it costs in flash).
 */
export interface StepConfig {
  /** Wake period: one sample per wake. */
  periodMs: number;
  /** Wakes per summary frame ('s'). 15 one-minute wakes = a summary every 15 min. */
  summaryEvery: number;
  /** CO2 readings kept for the slope feature (the current one excluded). */
  slopeWindow: number;
  /** Outbox bound (frames); see the drop policy in outbox.ts. */
  outboxMax: number;
  /** Frames (oldest first) offered to the uplink per wake, so a long outage cannot keep the board awake. */
  sendPerWake: number;
  /** How long the board stays awake after sending, waiting for ack(boot, seq). */
  ackWindowMs: number;
}

/**
 * The defaults' values, also as plain constants: a build whose settings never change at run time
 * (the serial occupancy app) reads these, which the minifier inlines as numbers. DEFAULT_CONFIG
 * is made of them, so it stays the one source (training reads DEFAULT_CONFIG.slopeWindow).
 */
export var SEND_PER_WAKE = 8;
export var ACK_WINDOW_MS = 300;

export var DEFAULT_CONFIG: StepConfig = {
  periodMs: 60000,
  summaryEvery: 15,
  slopeWindow: 15,
  outboxMax: 96,
  sendPerWake: SEND_PER_WAKE,
  ackWindowMs: ACK_WINDOW_MS,
};

/** DEFAULT_CONFIG with the given fields replaced (ES5: no spread). */
export function withDefaults(overrides: { [K in keyof StepConfig]?: StepConfig[K] }): StepConfig {
  var out: StepConfig = {
    periodMs: DEFAULT_CONFIG.periodMs,
    summaryEvery: DEFAULT_CONFIG.summaryEvery,
    slopeWindow: DEFAULT_CONFIG.slopeWindow,
    outboxMax: DEFAULT_CONFIG.outboxMax,
    sendPerWake: DEFAULT_CONFIG.sendPerWake,
    ackWindowMs: DEFAULT_CONFIG.ackWindowMs,
  };
  var keys = Object.keys(overrides) as (keyof StepConfig)[];
  for (var i = 0; i < keys.length; i++) {
    var value = overrides[keys[i]];
    if (typeof value === 'number') out[keys[i]] = value;
  }
  return out;
}

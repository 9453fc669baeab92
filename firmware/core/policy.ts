/**
 * Transmit policy: when is it worth turning the radio on?
 *
 * On an ESP32 the radio is the most expensive thing the node does (a Wi-Fi association costs
 * about as much charge as a hundred wakes without it; see boards/esp32.json "power"), so the
 * node batches: it transmits only when
 *   - an urgent record (e.g. an occupancy class change) would otherwise miss the app's latency
 *     bound at the next wake, or
 *   - enough bytes are waiting to fill a session, or the oldest routine record is getting old, or
 *   - the downlink mailbox has not been checked for `mailboxEveryS`.
 * When the network fails, attempts back off exponentially across wakes (the state is persisted
 * by the caller), so a dead access point does not drain the battery one timeout at a time.
 *
 * Pure and deterministic (ES5): the caller passes the time and a random number for jitter.
 */

export interface PolicyConfig {
  /** Urgent records must be on the wire within this many seconds of being queued. */
  maxLatencyS: number;
  /** Routine records (summaries, readings) may wait this long. */
  maxAgeS: number;
  /** Transmit once this many bytes are queued. */
  batchBytes: number;
  /** Seconds between wakes: a record still waiting at the next wake is this much older. */
  wakeIntervalS: number;
  /** Check the downlink mailbox at least this often, even with nothing to send (0: never). */
  mailboxEveryS: number;
  /** First retry delay after a failed session, doubled per failure up to backoffMaxS. */
  backoffBaseS: number;
  backoffMaxS: number;
}

/** What must survive deep sleep (the caller stores it; it is small JSON). */
export interface PolicyState {
  /** Consecutive failed sessions. */
  failures: number;
  /** Do not try before this time (seconds, the caller's clock). */
  nextTryAt: number;
  /** Last successful session (seconds), or -1 for never. */
  lastContactAt: number;
}

/** A summary of the outbox, as far as the policy needs it. */
export interface OutboxView {
  count: number;
  bytes: number;
  /** Time the oldest unsent record was queued, or -1 when empty. */
  oldestAt: number;
  /** Time the oldest unsent urgent record was queued, or -1 when there is none. */
  oldestUrgentAt: number;
}

export interface Decision {
  send: boolean;
  /** Why, for logs and the power report: urgent | latency | batch | age | mailbox | backoff | idle | wait. */
  reason: string;
}

export var DEFAULT_POLICY: PolicyConfig = {
  maxLatencyS: 300,
  maxAgeS: 6 * 3600,
  batchBytes: 4096,
  wakeIntervalS: 60,
  mailboxEveryS: 6 * 3600,
  backoffBaseS: 120,
  backoffMaxS: 3600,
};

export function initialPolicyState(): PolicyState {
  return { failures: 0, nextTryAt: 0, lastContactAt: -1 };
}

/** Decides whether this wake turns the radio on. */
export function decide(cfg: PolicyConfig, state: PolicyState, outbox: OutboxView, now: number): Decision {
  var reason = '';
  if (outbox.oldestUrgentAt >= 0) {
    // Wait only if the next wake is still strictly inside the bound (the session itself takes a
    // few seconds, so a record due exactly at the next wake goes now); 0 means "send at once".
    var urgentAge = now - outbox.oldestUrgentAt;
    if (cfg.maxLatencyS <= 0 || urgentAge + cfg.wakeIntervalS >= cfg.maxLatencyS) reason = 'urgent';
  }
  if (reason === '' && outbox.count > 0 && outbox.bytes >= cfg.batchBytes) reason = 'batch';
  if (reason === '' && outbox.oldestAt >= 0 && now - outbox.oldestAt + cfg.wakeIntervalS >= cfg.maxAgeS) reason = 'age';
  if (reason === '' && cfg.mailboxEveryS > 0 && (state.lastContactAt < 0 || now - state.lastContactAt >= cfg.mailboxEveryS)) {
    reason = 'mailbox';
  }
  if (reason === '') return { send: false, reason: outbox.count > 0 ? 'wait' : 'idle' };
  if (now < state.nextTryAt) return { send: false, reason: 'backoff' };
  return { send: true, reason: reason };
}

/**
 * The state after a session. `jitter` in [0,1) spreads retries so a fleet that lost the same
 * access point does not come back in lock-step.
 */
export function afterSession(cfg: PolicyConfig, state: PolicyState, ok: boolean, now: number, jitter: number): PolicyState {
  if (ok) return { failures: 0, nextTryAt: 0, lastContactAt: now };
  var failures = state.failures + 1;
  var delay = cfg.backoffBaseS;
  for (var i = 1; i < failures && delay < cfg.backoffMaxS; i++) delay = delay * 2;
  if (delay > cfg.backoffMaxS) delay = cfg.backoffMaxS;
  delay = delay + ((delay * jitter * 0.25) | 0);
  return { failures: failures, nextTryAt: now + delay, lastContactAt: state.lastContactAt };
}

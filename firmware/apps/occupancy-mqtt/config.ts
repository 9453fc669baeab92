/**
 * The MQTT build's own settings; the step schedule (CONFIG) is the occupancy app's
 * (firmware/apps/occupancy/config.ts), which the mailbox may override at run time.
 */

/**
 * The MQTT link (hal/uplink-mqtt.ts): class changes reach the broker within maxLatencyS of
 * happening, summaries and status wait up to maxAgeS so they share sessions. The radio is the
 * most expensive thing the node does.
 */
export var LINK = { maxLatencyS: 300, maxAgeS: 6 * 3600 };

/** What the downlink mailbox (retained on spruce/<dev>/down) may change, and within which range. */
export var DOWNLINK_RULES = {
  settings: {
    periodMs: { min: 30000, max: 3600000, integer: true },
    summaryEvery: { min: 1, max: 1440, integer: true },
    maxLatencyS: { min: 0, max: 86400, integer: true },
    maxAgeS: { min: 60, max: 86400, integer: true },
  },
  files: {},
};

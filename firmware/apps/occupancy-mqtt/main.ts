/**
 * The occupancy node over Wi-Fi + MQTT (provisioned with the Storage file spruce.net): the
 * transmit policy decides whether this wake turns the radio on; frames then leave the outbox on
 * PUBACK (hal/uplink-mqtt.ts), retained commands on spruce/<dev>/down may change the schedule
 * (config.ts), and the sensor wait is spent in light sleep. Without spruce.net it falls back to
 * the serial console. The wake itself is firmware/apps/occupancy/node.ts, shared with the
 * serial-only build.
 */
import { withMailboxSettings } from '../../core/mqtt/stores';
import { lightSleepThen } from '../../hal/power';
import { serialUplink } from '../../hal/uplink';
import { appUplink } from '../../hal/uplink-mqtt';
import { CONFIG } from '../occupancy/config';
import { runNode } from '../occupancy/node';
import { DOWNLINK_RULES, LINK } from './config';

runNode(function (w) {
  // Settings received over MQTT (spruce/<dev>/down) override the built-in ones from this wake on.
  var config = withMailboxSettings(CONFIG, w.flash);
  var linkConfig = withMailboxSettings(LINK, w.flash);
  var link = appUplink({
    flash: w.flash, dev: w.dev, boot: w.boot, periodMs: config.periodMs, maxLatencyS: linkConfig.maxLatencyS,
    maxAgeS: linkConfig.maxAgeS, rules: DOWNLINK_RULES, serial: serialUplink(config.ackWindowMs, w.removeFrame),
    serialLimit: config.sendPerWake,
  });
  return { uplink: link.uplink, limit: link.limit, config: config, wait: lightSleepThen };
});

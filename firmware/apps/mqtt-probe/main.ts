/**
 * mqtt-probe: checks the MQTT path of a provisioned board (spruce.dev + spruce.net) without any
 * sensor. Every wake queues one signed reading {v: boot} in the outbox, hands the pending frames
 * to the MQTT uplink (transmit policy: send every wake) and deep-sleeps for the interval the
 * downlink mailbox last set (default 60 s; `{"id":N,"set":{"intervalS":120}}` on
 * spruce/<dev>/down changes it). Prints one `probe boot=... ok=... sent=...` line per wake.
 * The device-network integration tests (test/device-mqtt-*.test.ts) run it on the virtual board.
 */
import { beginWake, pendingFrames } from '../../core/wake';
import { hmacSigner } from '../../core/hmac';
import { outboxAck, outboxPut } from '../../core/outbox';
import { asciiJson, formatFrame } from '../../core/wire';
import { DEFAULT_POLICY } from '../../core/policy';
import { loadMailbox } from '../../core/mqtt/stores';
import { deviceSha256 } from '../../hal/crypto';
import { readDeviceIdentity } from '../../hal/device';
import { deviceFlash } from '../../hal/storage';
import { mqttUplink } from '../../hal/uplink-mqtt';

function wake(): void {
  var flash = deviceFlash();
  var sha = deviceSha256();
  var device = readDeviceIdentity(flash);
  if (sha === null || !device.ok) {
    print('probe setup-error');
    return;
  }
  var boot = beginWake(flash);
  var signer = hmacSigner(sha, device.key);
  var json = asciiJson({ dev: device.id, boot: boot, seq: 0, k: 'r', d: { v: boot } });
  outboxPut(flash, 'r', boot, 0, formatFrame(json, signer.signHex(json)), 500);
  var intervalS = loadMailbox(flash).state.set.intervalS || 60;
  var policy = {
    maxLatencyS: 0,
    maxAgeS: 0,
    batchBytes: 1,
    wakeIntervalS: intervalS,
    mailboxEveryS: DEFAULT_POLICY.mailboxEveryS,
    backoffBaseS: 0,
    backoffMaxS: 0,
  };
  mqttUplink({
    flash: flash,
    dev: device.id,
    boot: boot,
    policy: policy,
    rules: { settings: { intervalS: { min: 10, max: 3600, integer: true } }, files: { 'probe.model': 4096 } },
    frameBytes: 120,
    report: function (r) {
      var s = r.session;
      print('probe boot=' + boot + ' interval=' + intervalS + ' send=' + r.decision.send + ' ok=' + (s ? s.ok : '-') +
        ' sent=' + (s ? s.sent : 0) + ' applied=' + (s ? s.applied : 0) + ' connects=' + (s ? s.connects : 0) + ' code=' + (r.code || ''));
    },
  }).send(pendingFrames(flash, 200), function (b, q) {
    return outboxAck(flash, b, q);
  }, function () {
    ESP32.deepSleep(intervalS * 1000000);
  });
}

wake();

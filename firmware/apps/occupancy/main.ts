/**
 * The occupancy node: one wake = one run of this file (deep sleep reboots the chip).
 *
 *   boot counter -> start SCD41 + BH1750 -> wait 5.1 s -> read -> step (core) -> outbox
 *   -> print pending frames, wait for ack(boot, seq) -> compact Storage if low -> deep sleep
 *   for the rest of the minute
 *
 * All the logic is in firmware/core (step.ts, wake.ts); this file only wires the hardware to it.
 * Setup problems (no SHA-256 in this Espruino build, no spruce.dev) print one clear console line
 * and keep the board awake at the prompt so it can be fixed, instead of sleeping in a loop.
 */
import type { Readings } from '../../core/occupancy';
import { beginWake, finishWake, pendingFrames } from '../../core/wake';
import { hmacSigner } from '../../core/hmac';
import { outboxAck } from '../../core/outbox';
import { SCD41_MEASURE_MS } from '../../core/sensors';
import { boardI2cPins } from '../../hal/board';
import { deviceSha256 } from '../../hal/crypto';
import { readDeviceIdentity } from '../../hal/device';
import { deepSleepRest, wakeStatus } from '../../hal/power';
import { bh1750Read, bh1750Start } from '../../hal/sensors/bh1750';
import { scd41Read, scd41Start } from '../../hal/sensors/scd41';
import { compactIfLow, deviceFlash } from '../../hal/storage';
import { serialUplink } from '../../hal/uplink';
import { classify } from './classifier';
import { CONFIG } from './config';

function wake(): void {
  var startedAt = getTime();
  var flash = deviceFlash();
  var sha256 = deviceSha256();
  if (sha256 === null) {
    print('spruce: E_NO_SHA256 cannot sign: this Espruino has no crypto.SHA256');
    return;
  }
  var device = readDeviceIdentity(flash);
  if (!device.ok) {
    print('spruce: ' + device.code + ' provision spruce.dev');
    return;
  }
  var identity = { dev: device.id, signer: hmacSigner(sha256, device.key) };
  var boot = beginWake(flash);
  var status = wakeStatus();
  function removeFrame(ackBoot: number, ackSeq: number): boolean {
    return outboxAck(flash, ackBoot, ackSeq);
  }
  var uplink = serialUplink(CONFIG.ackWindowMs, removeFrame);
  var pins = boardI2cPins();
  I2C1.setup({ scl: pins.scl, sda: pins.sda, bitrate: 100000 });
  var faults: string[] = [];
  var co2Fault = scd41Start(I2C1);
  var lightFault = bh1750Start(I2C1);
  setTimeout(function () {
    var readings: Readings = { t: null, h: null, c: null, l: null, faults: faults };
    var air = co2Fault || scd41Read(I2C1);
    if (air.ok) {
      readings.t = air.t;
      readings.h = air.h;
      readings.c = air.co2;
    } else faults.push(air.code);
    var light = lightFault || bh1750Read(I2C1);
    if (light.ok) readings.l = light.lux;
    else faults.push(light.code);
    var outcome = finishWake(flash, boot, identity, { readings: readings, status: status }, CONFIG, classify);
    uplink.send(pendingFrames(flash, CONFIG.sendPerWake), removeFrame, function () {
      compactIfLow();
      deepSleepRest(outcome.sleepMs, startedAt);
    });
  }, SCD41_MEASURE_MS + 100);
}

wake();

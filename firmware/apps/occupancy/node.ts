/**
 * One wake of an occupancy node, shared by both builds of the app: `occupancy` (serial console
 * uplink, lean) and `occupancy-mqtt` (Wi-Fi + MQTT, downlink mailbox, transmit policy). Each
 * main.ts only says how frames leave the board (the `link` factory); everything else is here.
 *
 *   boot counter -> start SCD41 + BH1750 -> wait 5.1 s -> read -> step (core) -> outbox
 *   -> offer pending frames on the uplink -> compact Storage if low -> deep sleep for the rest
 *   of the period
 *
 * Which uplink is chosen at BUILD time, not at run time: Espruino parses the whole bundle on
 * every wake (deep sleep is a reboot), so a serial node must not carry the MQTT client.
 *
 * All the logic is in firmware/core (step.ts, wake.ts); this file only wires the hardware to it.
 * Setup problems (no SHA-256 in this Espruino build, no spruce.dev) print one clear console line
 * and keep the board awake at the prompt so it can be fixed, instead of sleeping in a loop.
 */
import type { StepConfig } from '../../core/config';
import type { Flash } from '../../core/flash';
import type { Readings } from '../../core/occupancy';
import { beginWake, finishWake, pendingFrames } from '../../core/wake';
import { outboxAck } from '../../core/outbox';
import { SCD41_MEASURE_MS } from '../../core/sensors';
import { setupBoardI2c } from '../../hal/board';
import { signingIdentity } from '../../hal/device';
import { deepSleepRest, wakeStatus } from '../../hal/power';
import { bh1750Read, bh1750Start } from '../../hal/sensors/bh1750';
import { scd41Read, scd41Start } from '../../hal/sensors/scd41';
import { compactIfLow, deviceFlash } from '../../hal/storage';
import type { Uplink } from '../../hal/uplink';
import { classify } from './classifier';

/** What a wake knows when it asks its main.ts for the uplink (after the boot counter rose). */
export interface NodeWake {
  flash: Flash;
  dev: string;
  boot: number;
  /** Removes an acknowledged frame from the outbox; true if it was pending. */
  removeFrame: (boot: number, seq: number) => boolean;
}

/** How this build sends: the uplink, frames offered per wake, the settings in force, the sensor wait. */
export interface NodeLink {
  uplink: Uplink;
  limit: number;
  config: StepConfig;
  /**
   * Waits `ms` for the sensors' conversion, then calls `then` (setTimeout's argument order, so a
   * build can pass setTimeout itself): a timer (the console stays
   * responsive) or light sleep (hal/power.ts lightSleepThen: a fraction of the current).
   */
  wait: (then: () => void, ms: number) => void;
}

export function runNode(link: (w: NodeWake) => NodeLink): void {
  var startedAt = getTime();
  var flash = deviceFlash();
  var signing = signingIdentity(flash);
  if (signing === null) return;
  var identity = signing; // non-null from here on, also inside the callbacks below
  var boot = beginWake(flash);
  var status = wakeStatus();
  function removeFrame(ackBoot: number, ackSeq: number): boolean {
    return outboxAck(flash, ackBoot, ackSeq);
  }
  var chosen = link({ flash: flash, dev: identity.dev, boot: boot, removeFrame: removeFrame });
  setupBoardI2c(100000);
  var co2Fault = scd41Start(I2C1);
  var lightFault = bh1750Start(I2C1);
  chosen.wait(function () {
    var readings: Readings = { t: null, h: null, c: null, l: null, faults: [] };
    var air = co2Fault || scd41Read(I2C1);
    if (air.ok) {
      readings.t = air.t;
      readings.h = air.h;
      readings.c = air.co2;
    } else readings.faults.push(air.code);
    var light = lightFault || bh1750Read(I2C1);
    if (light.ok) readings.l = light.lux;
    else readings.faults.push(light.code);
    var outcome = finishWake(flash, boot, identity, { readings: readings, status: status }, chosen.config, classify);
    chosen.uplink.send(pendingFrames(flash, chosen.limit), removeFrame, function () {
      compactIfLow();
      deepSleepRest(outcome.sleepMs, startedAt);
    });
  }, SCD41_MEASURE_MS + 100);
}

/**
 * The activity node: a wrist-worn MPU-6050 sampled at 50 Hz into preallocated windows; every
 * 0.64 s the window's features go through the LUT model (activity.lut in Storage, mapped from
 * flash). Telemetry is signed frames: a status frame at start, a class frame when the activity
 * changes (debounced), a summary of decisions every minute, and an error frame when the sensor
 * stops answering. The board stays awake (continuous sampling).
 *
 * Durable like the occupancy app (firmware/core/outbox.md): every frame is signed and put in the
 * Storage outbox BEFORE it is printed, and leaves it only when the host calls the global
 * `ack(boot, seq)` (hal/uplink.ts). Frames still unacknowledged are offered again every
 * `offerEvery` windows, a bounded few at a time, and at start (after a power cut or reset).
 *
 * REPL hooks (global `activity`): features(ax, ay, az, mag) and classify(ax, ay, az, mag) on one
 * window of samples — for checking a board against the host model (test/activity-*.test.ts).
 */
import { asciiJson, formatFrame } from '../../core/wire';
import { nextBoot } from '../../core/boot';
import { outboxAck, outboxPut } from '../../core/outbox';
import { pendingFrames, type PendingFrame } from '../../core/wake';
import { activityClassifier } from './classifier';
import { setupBoardI2c } from '../../hal/board';
import { signingIdentity } from '../../hal/device';
import { compactIfLow, deviceFlash } from '../../hal/storage';
import { deviceModelEnvironment } from '../../hal/lut';
import { serialUplink } from '../../hal/uplink';
import { mpu6050Read, mpu6050Start } from './mpu6050';
import { createTracker, type TrackerEvent } from './tracker';
import { ACTIVITY_CONFIG } from './config';
import { FEATURE_INDEX, LABELS, MODEL_FILE, MODEL_HASH, SPEC } from './model.gen';

function noop(): void {}

function start(): void {
  var flash = deviceFlash();
  var signing = signingIdentity(flash);
  if (signing === null) return;
  var identity = signing; // non-null from here on, also inside the callbacks below
  var env = deviceModelEnvironment();
  if (env === null) return;
  var classifier = activityClassifier(env);
  if (classifier === null) {
    print('spruce: E_MODEL_CRC ' + MODEL_FILE + ' is missing or is not the model this firmware was built with');
    return;
  }
  // The boot counter rises before anything is sent with its value (core/boot.ts), so a
  // (boot, seq) that reached the wire is never reused after a reset or power cut.
  var boot = nextBoot(flash);
  var dev = identity.dev;
  var signer = identity.signer;
  var seq = 0;
  /** Outbox counters since start: frames dropped because it was full, torn records erased. */
  var drops = 0;
  var torn = 0;
  /** Frames of this boot below this seq were printed before the last cycle: due for a re-offer. */
  var offeredBelow = 0;
  function removeFrame(ackBoot: number, ackSeq: number): boolean {
    return outboxAck(flash, ackBoot, ackSeq);
  }
  // Defines the global ack(boot, seq) now, so frames of an earlier boot can be acknowledged too.
  var uplink = serialUplink(ACTIVITY_CONFIG.ackWindowMs, removeFrame);
  function send(k: string, d: any): void {
    var json = asciiJson({ dev: dev, boot: boot, seq: seq, k: k, d: d });
    var line = formatFrame(json, signer.signHex(json));
    drops += outboxPut(flash, k, boot, seq, line, ACTIVITY_CONFIG.outboxMax);
    uplink.send([{ boot: boot, seq: seq++, line: line }], removeFrame, noop);
  }
  function countTorn(count: number): void {
    torn += count;
  }
  // Offers again what is still pending and was printed before the previous cycle (a frame just
  // printed is most likely being acknowledged right now), oldest first, at most sendPerCycle.
  function reoffer(): void {
    var pending = pendingFrames(flash, ACTIVITY_CONFIG.sendPerCycle, countTorn);
    var due: PendingFrame[] = [];
    for (var i = 0; i < pending.length; i++) {
      if (pending[i].boot !== boot || pending[i].seq < offeredBelow) due.push(pending[i]);
    }
    offeredBelow = seq;
    if (due.length > 0) uplink.send(due, removeFrame, noop);
    compactIfLow();
  }
  reoffer();
  setInterval(reoffer, (ACTIVITY_CONFIG.offerEvery * ACTIVITY_CONFIG.hop * 1000) / ACTIVITY_CONFIG.rateHz);
  var tracker = createTracker({
    natives: env.natives,
    spec: SPEC,
    featureIndex: FEATURE_INDEX,
    classifier: classifier,
    classes: LABELS.length,
    hop: ACTIVITY_CONFIG.hop,
    summaryEvery: ACTIVITY_CONFIG.summaryEvery,
    confirmWindows: ACTIVITY_CONFIG.confirmWindows,
  });
  global.activity = {
    labels: LABELS,
    features: function (ax: number[], ay: number[], az: number[], mag: number[]): number[] {
      return [].slice.call(tracker.features([ax, ay, az, mag]));
    },
    classify: function (ax: number[], ay: number[], az: number[], mag: number[]): number {
      return tracker.classify([ax, ay, az, mag]);
    },
  };
  setupBoardI2c(400000);
  var fault = mpu6050Start(I2C1);
  send('t', { app: 'activity', model: MODEL_HASH, hz: ACTIVITY_CONFIG.rateHz, fault: fault ? fault.code : null });
  if (fault) return;
  var sample = new Int16Array(3);
  var misses = 0;
  setInterval(function () {
    if (!mpu6050Read(I2C1, sample)) {
      // Report the first miss of a run, not every one (50 a second).
      if (misses++ === 0) send('e', { code: 'mpu6050_read' });
      return;
    }
    misses = 0;
    var events: TrackerEvent[] | null = tracker.push(sample[0], sample[1], sample[2]);
    if (events === null) return;
    for (var i = 0; i < events.length; i++) {
      var event = events[i];
      if (event.k === 's') {
        // Outbox health travels with every summary, as in the occupancy app.
        (event.d as any).drops = drops;
        (event.d as any).torn = torn;
      }
      send(event.k, event.d);
    }
  }, 1000 / ACTIVITY_CONFIG.rateHz);
}

start();

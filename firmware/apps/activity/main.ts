/**
 * The activity node: a wrist-worn MPU-6050 sampled at 50 Hz into preallocated windows; every
 * 0.64 s the window's features go through the LUT model (activity.lut in Storage, mapped from
 * flash). Telemetry is signed frames on the console: a status frame at start, a class frame
 * when the activity changes (debounced), a summary of decisions every minute, and an error
 * frame when the sensor stops answering. The board stays awake (continuous sampling).
 *
 * REPL hooks (global `activity`): features(ax, ay, az, mag) and classify(ax, ay, az, mag) on one
 * window of samples — for checking a board against the host model (test/activity-*.test.ts).
 */
import { asciiJson, formatFrame } from '../../core/wire';
import { hmacSigner, type HmacSigner } from '../../core/hmac';
import { nextBoot } from '../../core/boot';
import { loadLutModel } from '../../core/lut/runtime';
import { boardI2cPins } from '../../hal/board';
import { deviceSha256 } from '../../hal/crypto';
import { readDeviceIdentity } from '../../hal/device';
import { deviceFlash } from '../../hal/storage';
import { deviceModelEnvironment } from '../../hal/lut';
import { mpu6050Read, mpu6050Start } from './mpu6050';
import { createTracker, type TrackerEvent } from './tracker';
import { ACTIVITY_CONFIG } from './config';
import { FEATURE_INDEX, LABELS, MODEL_FILE, MODEL_HASH, SPEC } from './model.gen';

var seq = 0;

function sender(dev: string, boot: number, signer: HmacSigner): (k: string, d: any) => void {
  return function (k: string, d: any): void {
    var json = asciiJson({ dev: dev, boot: boot, seq: seq++, k: k, d: d });
    print(formatFrame(json, signer.signHex(json)));
  };
}

function start(): void {
  var flash = deviceFlash();
  var sha256 = deviceSha256();
  if (sha256 === null) {
    print('spruce: E_NO_SHA256 no crypto.SHA256 in this Espruino build, cannot sign: flash the ESP32 build');
    return;
  }
  var device = readDeviceIdentity(flash);
  if (!device.ok) {
    print('spruce: ' + device.code + ' spruce.dev must be {"id","key"}: provision the board');
    return;
  }
  var env = deviceModelEnvironment();
  if (env === null) return;
  var model = loadLutModel(env.natives, env.read(MODEL_FILE), MODEL_FILE, MODEL_HASH);
  if (!model.ok) {
    print('spruce: ' + model.code + ' ' + model.detail + ': install the app with its model (spruce flash --app activity)');
    return;
  }
  var boot = nextBoot(flash);
  var send = sender(device.id, boot, hmacSigner(sha256, device.key));
  var tracker = createTracker({
    natives: env.natives,
    spec: SPEC,
    featureIndex: FEATURE_INDEX,
    classifier: model.classifier,
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
  var pins = boardI2cPins();
  I2C1.setup({ scl: pins.scl, sda: pins.sda, bitrate: 400000 });
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
    if (events !== null) for (var i = 0; i < events.length; i++) send(events[i].k, events[i].d);
  }, 1000 / ACTIVITY_CONFIG.rateHz);
}

start();

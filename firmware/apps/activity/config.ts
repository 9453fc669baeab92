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
};

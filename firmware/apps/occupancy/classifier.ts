/**
 * Occupied or empty, from the occupancy feature vector (firmware/core/occupancy.ts, FEATURE_NAMES
 * t h l c dc), by the quantized lookup-table models trained with `spruce train --preset occupancy`
 * and `--preset occupancy-nolight` (models/occupancy*, MODEL_CARD.md there). Both model files sit
 * in Storage (app.json) and are mapped from flash, so their tables cost no RAM:
 *   light reading present  -> occupancy.lut          (t h l c dc)
 *   light sensor failed    -> occupancy-nolight.lut  (t h c dc: CO2 and climate only)
 * The board runs them with the small binary kernel (core/lut/compact.ts) over the layout the
 * generated model*.gen.ts files give (no header parsing on the device). The score is the model's
 * confidence 0..100.
 *
 * If a model file is missing or is not the one this bundle was built with (its CRC-32), or off
 * the board (host code importing this module without a model environment), the light/CO2 rule
 * below decides instead, so a half-installed board still reports something sensible. The files
 * are read (mapped, not copied) on each classification: the board classifies once per wake and
 * reboots from deep sleep in between, so there is nothing to keep.
 */
import type { Classification } from '../../core/occupancy';
import { binaryLut, type ModelFiles } from '../../core/lut/compact';
import { deviceModelEnvironment } from '../../hal/lut';
import * as LIGHT from './model.gen';
import * as NO_LIGHT from './model-nolight.gen';

var LIGHT_LUX = 300;
var RISE_PPM = 20;
var HIGH_PPM = 700;

/**
 * The stand-in rule (light alone separates the classes ~98% of the time; rising CO2 otherwise).
 * On the held-out occupancy_test1.csv it is right 97.9% of the time with light and 87.0% without;
 * the models 97.8% and 93.9% (classifier.test.ts prints these).
 * A missing CO2 reading (c = -1) comes with dc = 0 (core/occupancy.ts), so it never counts as rising.
 */
export function fallbackRule(features: number[]): Classification {
  var l = features[2];
  var c = features[3];
  var dc = features[4];
  var co2Rising = dc >= RISE_PPM || (c >= HIGH_PPM && dc >= 0);
  var occupied = l < 0 ? co2Rising : l >= LIGHT_LUX;
  return { label: occupied ? 1 : 0, score: l < 0 ? 60 : occupied === co2Rising ? 95 : 75 };
}

/** On the board: Storage and E (hal/lut.ts); off it null (the rule decides) unless host code sets one. */
var environment: ModelFiles | null = deviceModelEnvironment();

/** Host code (tests, tools) supplies the natives and model files the board would have. */
export function useModelEnvironment(env: ModelFiles | null): void {
  environment = env;
}

export function classify(features: number[]): Classification {
  var decided = !environment
    ? null
    : features[2] >= 0
      ? binaryLut(environment, LIGHT.MODEL_FILE, LIGHT.MODEL_CRC, LIGHT.BINS, LIGHT.FEATURE_INDEX, features)
      : binaryLut(environment, NO_LIGHT.MODEL_FILE, NO_LIGHT.MODEL_CRC, NO_LIGHT.BINS, NO_LIGHT.FEATURE_INDEX, features);
  return decided || fallbackRule(features);
}

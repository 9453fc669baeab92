/**
 * Occupied or empty, from the occupancy feature vector (firmware/core/occupancy.ts, FEATURE_NAMES
 * t h l c dc), by the quantized lookup-table models trained with `spruce train --preset occupancy`
 * and `--preset occupancy-nolight` (models/occupancy*, MODEL_CARD.md there). Both model files sit
 * in Storage (app.json) and are mapped from flash, so their tables cost no RAM:
 *   light reading present  -> occupancy.lut          (t h l c dc)
 *   light sensor failed    -> occupancy-nolight.lut  (t h c dc: CO2 and climate only)
 * The score is the model's confidence 0..100 (from its integer score and scale).
 *
 * If a model file is missing or is not the one this bundle was built with (hash), or off the
 * board (host code importing this module without a model environment), the light/CO2 rule
 * below decides instead, so a half-installed board still reports something sensible.
 */
import type { Classification } from '../../core/occupancy';
import { binaryConfidence, loadLutModel, type LoadedModel } from '../../core/lut/runtime';
import { deviceModelEnvironment, type ModelEnvironment } from '../../hal/lut';
import * as WITH_LIGHT from './model.gen';
import * as NO_LIGHT from './model-nolight.gen';

var LIGHT_LUX = 300;
var RISE_PPM = 20;
var HIGH_PPM = 700;

/** The stand-in rule (light alone separates the classes ~98% of the time; rising CO2 otherwise). */
export function fallbackRule(features: number[]): Classification {
  var l = features[2];
  var c = features[3];
  var dc = features[4];
  var co2Rising = c >= 0 && (dc >= RISE_PPM || (c >= HIGH_PPM && dc >= 0));
  if (l < 0) return { label: co2Rising ? 1 : 0, score: 60 };
  var occupied = l >= LIGHT_LUX;
  return { label: occupied ? 1 : 0, score: occupied === co2Rising ? 95 : 75 };
}

interface Models {
  light: LoadedModel;
  noLight: LoadedModel;
  inputLight: Int32Array;
  inputNoLight: Int32Array;
}

var models: Models | null = null;
var environment: ModelEnvironment | null | undefined;

/** Host code (tests, tools) supplies the natives and model files the board would have. */
export function useModelEnvironment(env: ModelEnvironment | null): void {
  environment = env;
  models = null;
}

function loadModels(): Models | null {
  if (environment === undefined) environment = deviceModelEnvironment();
  if (environment === null) return null;
  return {
    light: loadLutModel(environment.natives, environment.read(WITH_LIGHT.MODEL_FILE), WITH_LIGHT.MODEL_FILE, WITH_LIGHT.MODEL_HASH),
    noLight: loadLutModel(environment.natives, environment.read(NO_LIGHT.MODEL_FILE), NO_LIGHT.MODEL_FILE, NO_LIGHT.MODEL_HASH),
    inputLight: new Int32Array(WITH_LIGHT.FEATURE_INDEX.length),
    inputNoLight: new Int32Array(NO_LIGHT.FEATURE_INDEX.length),
  };
}

function run(model: LoadedModel, index: number[], input: Int32Array, features: number[]): Classification | null {
  if (!model.ok) return null;
  for (var i = 0; i < index.length; i++) input[i] = features[index[i]];
  var label = model.classifier.classify(input);
  return { label: label, score: binaryConfidence(model.classifier.scores[0], model.scale) };
}

export function classify(features: number[]): Classification {
  if (models === null) models = loadModels();
  if (models === null) return fallbackRule(features);
  var result = features[2] >= 0
    ? run(models.light, WITH_LIGHT.FEATURE_INDEX, models.inputLight, features)
    : run(models.noLight, NO_LIGHT.FEATURE_INDEX, models.inputNoLight, features);
  return result === null ? fallbackRule(features) : result;
}

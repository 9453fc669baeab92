/**
 * The occupancy app's settings: the core's DEFAULT_CONFIG (fields documented in
 * firmware/core/config.ts). One object, not a copy, because the model is trained with the same
 * settings (models/data/occupancy.ts reads DEFAULT_CONFIG.slopeWindow): a window changed here
 * alone would make the device compute features the model never saw.
 */
import { DEFAULT_CONFIG, type StepConfig } from '../../core/config';

export var CONFIG: StepConfig = DEFAULT_CONFIG;

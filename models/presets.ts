/**
 * The canonical training runs of the apps, by name, so the generated files can name a short
 * command that remakes them (`spruce train --preset activity`).
 */
import type { DataConfig } from './prepare.ts';
import type { ModelConfig } from './pipeline.ts';

export interface Preset {
  summary: string;
  data: DataConfig;
  model: ModelConfig;
  /** Where the artefacts go (relative to the project root) and the model's Storage file name. */
  out: string;
  name: string;
  /** Generated metadata module for the firmware (relative to the project root). */
  firmwareMeta?: string;
}

/** The dataset's suggested subject-wise split (har-wrist README). */
export const HAR_TEST_SUBJECTS = ['s03', 's06', 's10', 's12', 's13', 's18', 's21'];

export const PRESETS: Record<string, Preset> = {
  activity: {
    summary: 'wrist activity (har-wrist smartwatch, 50 Hz, 64-sample windows), subject-wise split',
    data: {
      kind: 'series',
      data: 'har-wrist/sw_acc.csv',
      label: 'activity',
      group: 'subject',
      segment: 'execution',
      channels: ['ax_mg', 'ay_mg', 'az_mg'],
      magnitude: true,
      sourceHz: 104.27,
      hz: 50,
      window: 64,
      hop: 32,
      windowLabel: 'majority',
      testGroups: HAR_TEST_SUBJECTS,
    },
    model: { bins: 16, lambdas: [1e-3, 1e-2, 1e-1, 1], innerFolds: 3, select: 16 },
    out: 'models/activity',
    name: 'activity',
    firmwareMeta: 'firmware/apps/activity/model.gen.ts',
  },
  occupancy: {
    summary: 'room occupancy with light (the app feature vector t h l c dc), train file vs test file',
    data: { kind: 'occupancy', data: 'occupancy/occupancy_train.csv', test: 'occupancy/occupancy_test1.csv', label: 'occupancy' },
    model: { bins: [8, 16], lambdas: [1e-3, 1e-2, 1e-1, 1], innerFolds: 3 },
    out: 'models/occupancy',
    name: 'occupancy',
    firmwareMeta: 'firmware/apps/occupancy/model.gen.ts',
  },
  'occupancy-nolight': {
    summary: 'room occupancy WITHOUT light (t h c dc): the realistic task, and the fallback when the light sensor fails',
    data: { kind: 'occupancy', data: 'occupancy/occupancy_train.csv', test: 'occupancy/occupancy_test1.csv', label: 'occupancy' },
    model: { bins: [8, 16], lambdas: [1e-3, 1e-2, 1e-1, 1], innerFolds: 3, features: ['t', 'h', 'c', 'dc'] },
    out: 'models/occupancy-nolight',
    name: 'occupancy-nolight',
    firmwareMeta: 'firmware/apps/occupancy/model-nolight.gen.ts',
  },
};

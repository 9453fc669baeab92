import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hostModelEnvironment } from '../../../models/host-models.ts';
import { parseLut } from '../../core/lut/format.ts';
import { classifyReference } from '../../core/lut/infer.ts';
import { activityClassifier } from './classifier.ts';
import * as META from './model.gen.ts';

describe('activity model on the compact kernel', () => {
  it('loads activity.lut (CRC, layout from model.gen.ts) and agrees with the reference kernel', () => {
    // The compact kernel has no pair tables: a model trained with --pairs needs the general loader.
    expect(META.PAIRS).toBe(0);
    const env = hostModelEnvironment('activity');
    const classifier = activityClassifier(env);
    expect(classifier).not.toBeNull();
    const parsed = parseLut(env.read(META.MODEL_FILE)!);
    if (!parsed.ok || classifier === null) throw new Error('model did not load');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: META.FEATURE_INDEX.length, maxLength: META.FEATURE_INDEX.length }), (x) => {
        const scores = new Int32Array(META.COLUMNS);
        const expected = classifyReference(parsed.model, x, scores);
        return classifier.classify(x) === expected && Array.from(classifier.scores).every((v, i) => v === scores[i]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a missing file or one that is not the model the bundle was built for', () => {
    const env = hostModelEnvironment('activity');
    expect(activityClassifier({ natives: env.natives, read: () => undefined })).toBeNull();
    const other = hostModelEnvironment('occupancy');
    expect(activityClassifier({ natives: env.natives, read: () => other.read('occupancy.lut') })).toBeNull();
  });
});

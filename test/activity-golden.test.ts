/**
 * The golden test: the exported activity model runs on the virtual board (the real ES5 bundle,
 * the model file mapped from Storage, Espruino's native helpers) and on the host (the same core
 * code with host natives, then the plain-JS reference kernel) over EVERY held-out window of the
 * activity preset. Features and predictions must be identical on 100% of them. On the board,
 * activity.features computes all the extractor's features, while activity.classify goes the way
 * every sampled window does (only the model's inputs computed): both paths are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNatives } from '../host/espruino/natives.ts';
import { createSeriesExtractor, type SeriesSpec } from '../firmware/core/features/series.ts';
import { classifyReference } from '../firmware/core/lut/infer.ts';
import { activityModel, buildActivity, heldOutWindows, startActivityBoard } from './activity-support.ts';
import * as META from '../firmware/apps/activity/model.gen.ts';

let manifestPath: string;
let cleanup: () => void = () => {};
beforeAll(async () => {
  ({ manifestPath, cleanup } = await buildActivity());
});
afterAll(() => cleanup());

function list(values: ArrayLike<number>): string {
  return `[${Array.prototype.join.call(values, ',')}]`;
}

describe('activity model: virtual board vs host', () => {
  it('computes identical features and predictions on every held-out window', () => {
    const { board, other } = startActivityBoard(manifestPath);
    expect(other.filter((line) => line.includes('E_'))).toEqual([]);
    const { model, meta } = activityModel();
    expect(meta.featureIndex).toEqual(META.FEATURE_INDEX);
    const extractor = createSeriesExtractor(hostNatives, META.SPEC as SeriesSpec);
    const windows = heldOutWindows();
    expect(windows.length).toBeGreaterThan(1000);
    let identicalPredictions = 0;
    let identicalFeatures = 0;
    const batch = 40;
    for (let start = 0; start < windows.length; start += batch) {
      const slice = windows.slice(start, start + batch);
      const calls = slice.map((w) => {
        const args = w.channels.map(list).join(',');
        return `[activity.classify(${args}),activity.features(${args})]`;
      });
      const answers = board.evaluate(`[${calls.join(',')}]`) as [number, number[]][];
      slice.forEach((w, i) => {
        const features = new Int32Array(extractor.names.length);
        extractor.compute(w.channels, features);
        const input = Int32Array.from(meta.featureIndex, (f) => features[f]!);
        const host = classifyReference(model, input);
        const [deviceClass, deviceFeatures] = answers[i]!;
        if (deviceClass === host) identicalPredictions++;
        if (Array.from(deviceFeatures).every((v, j) => v === features[j])) identicalFeatures++;
      });
    }
    console.log(`golden: ${identicalPredictions}/${windows.length} predictions and ${identicalFeatures}/${windows.length} feature vectors identical (board vs host)`);
    expect(identicalFeatures).toBe(windows.length);
    expect(identicalPredictions).toBe(windows.length);
  });
});

/**
 * The occupancy app with its LUT models installed (app.json storage: occupancy.lut and
 * occupancy-nolight.lut) on the virtual board, replaying occupancy_test1.csv: every frame the
 * board prints must be exactly what the pure core computes on the host with the same models
 * (host natives, model files read from models/). Light failures switch to the no-light model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostModelEnvironment } from '../models/host-models.ts';
import { classify, fallbackRule, useModelEnvironment } from '../firmware/apps/occupancy/classifier.ts';
import { BH1750_ADDRESS, SCD41_ADDRESS } from '../firmware/core/sensors.ts';
import { occupancyReplay } from '../host/sim/index.ts';
import { buildOccupancy, coreTwin, OCCUPANCY_CSV, provision, verifyFrame } from './occupancy-support.ts';

let build: Awaited<ReturnType<typeof buildOccupancy>>;
beforeAll(async () => {
  build = await buildOccupancy();
  useModelEnvironment(hostModelEnvironment('occupancy'));
});
afterAll(() => useModelEnvironment(null));

describe('occupancy LUT models on the virtual board', () => {
  it('prints exactly the frames the host computes with the same models, light failures included', async () => {
    const { board, lines } = provision(build);
    // The models the flasher installs from app.json are on the board.
    expect(Object.keys(build.files).sort()).toEqual(['occupancy-nolight.lut', 'occupancy.lut']);
    for (const name of Object.keys(build.files)) expect(board.storage.list()).toContain(name);
    const replay = occupancyReplay(OCCUPANCY_CSV());
    const twin = coreTwin();
    const expected: string[] = [];
    let printedBefore = 0;
    let modelDiffersFromRule = 0;
    let correct = 0;
    for (let wake = 0; wake < 600; wake++) {
      // Light sensor failures now and then: the no-light model decides those wakes.
      board.i2c.device(BH1750_ADDRESS)!.fault = wake % 37 === 20 ? 'nak' : null;
      board.i2c.device(SCD41_ADDRESS)!.fault = null;
      board.i2c.log.length = 0;
      const result = await board.runUntilSleep();
      expect(result.ended).toBe('sleep');
      const printed = lines.slice(printedBefore).map(verifyFrame);
      printedBefore = lines.length;
      const { outcome, readings } = twin(board, result, printed);
      expected.push(...outcome.lines);
      const features = [readings.t ?? 0, readings.h ?? 0, readings.l ?? -1, readings.c ?? -1, 0];
      if (classify(features).score !== fallbackRule(features).score) modelDiffersFromRule++;
      if (replay.occupancyAt(board.sensorTimeMs()) === outcome.persisted.label) correct++;
    }
    expect(lines).toEqual(expected);
    const classFrames = lines.map(verifyFrame).filter((env) => env.k === 'c');
    expect(classFrames.length).toBeGreaterThan(2);
    // The models, not the stand-in rule, made these decisions (their confidences differ).
    expect(modelDiffersFromRule).toBeGreaterThan(0);
    console.log(`occupancy LUT on the virtual board: ${lines.length} frames identical to the host; ${correct}/600 wakes agree with ground truth`);
  });
});

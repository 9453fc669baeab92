/**
 * The occupancy bundle on the virtual board for a simulated day (1,440 one-minute wakes) replaying
 * occupancy_test1.csv: every frame it prints must be exactly (byte for byte, HMAC included) what
 * the pure core (firmware/core/wake.ts + step.ts) computes in Node for the same sensor bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BH1750_ADDRESS, SCD41_ADDRESS } from '../firmware/core/sensors.ts';
import { occupancyReplay } from '../host/sim/index.ts';
import { buildOccupancy, coreTwin, OCCUPANCY_CSV, provision, useBoardModels, verifyFrame, type OccupancyBuild } from './occupancy-support.ts';

let build: OccupancyBuild;
beforeAll(async () => {
  build = await buildOccupancy();
  useBoardModels(build);
});

describe('occupancy app on the virtual board', () => {
  it('prints over a simulated day exactly the frames the pure core computes from the same sensor bytes', async () => {
    const { board, lines, other } = provision(build);
    const replay = occupancyReplay(OCCUPANCY_CSV());
    // Faults now and then, so error frames and missing readings are compared too.
    const faultAt = (wake: number) => (wake % 97 === 50 ? 'scd41-crc' : wake % 131 === 70 ? 'bh1750-nak' : null);

    const twin = coreTwin();
    const expected: string[] = [];
    let printedBefore = 0;
    let correct = 0;
    let labelled = 0;
    let label = -1;
    for (let wake = 0; wake < 1440; wake++) {
      const fault = faultAt(wake);
      board.i2c.device(SCD41_ADDRESS)!.fault = fault === 'scd41-crc' ? 'crc' : null;
      board.i2c.device(BH1750_ADDRESS)!.fault = fault === 'bh1750-nak' ? 'nak' : null;
      board.i2c.log.length = 0;
      const result = await board.runUntilSleep();
      expect(result.ended).toBe('sleep');
      const printed = lines.slice(printedBefore).map(verifyFrame);
      printedBefore = lines.length;

      // The same wake through the pure core, fed what the bus served and what the board reported.
      const { outcome } = twin(board, result, printed);
      expected.push(...outcome.lines);
      label = outcome.persisted.label;
      const truth = replay.occupancyAt(board.sensorTimeMs());
      if (truth !== undefined) { labelled++; if (truth === label) correct++; }
    }
    expect(lines).toEqual(expected); // every frame, in order, byte for byte
    const kinds = lines.map((line) => verifyFrame(line).k);
    expect(kinds.filter((k) => k === 's')).toHaveLength(96); // a summary every 15 minutes
    expect(kinds.filter((k) => k === 'e').length).toBeGreaterThanOrEqual(20);
    expect(kinds.filter((k) => k === 'c').length).toBeGreaterThan(2);
    expect(kinds.filter((k) => k === 't')).toHaveLength(1); // the power-on boot only
    expect(other.filter((line) => line.includes('Uncaught'))).toEqual([]);
    expect(board.warnings).toEqual([]);
    // Everything was acknowledged: only the persistent files remain.
    expect(board.storage.list().filter((name) => name.startsWith('sp.o'))).toEqual([]);
    const used = verifyFrame(lines[0]!).d.used;
    console.log(`occupancy day on the virtual board: ${lines.length} frames, ${correct}/${labelled} wakes agree with ground truth, bundle ${build.bytes} B, ~${build.jsVars} JsVars of code, ${used} JsVars in use at the first status frame`);
    expect(correct / labelled).toBeGreaterThan(0.9);
  });

  it('loses RAM across deep sleep but keeps Storage (boot counter, state, outbox)', async () => {
    const { board, lines, other, autoAck } = provision(build);
    autoAck.on = false; // nobody acknowledges: frames stay in the outbox
    const duringNextWake = (code: string) => board.once('output', () => board.post(code, [], 'REPL'));

    await board.runUntilSleep(); // boot 1: status + first class change
    expect(lines.map(verifyFrame).map((env) => [env.boot, env.seq, env.k])).toEqual([[1, 0, 't'], [1, 1, 'c']]);

    duringNextWake('global.ramMarker = 42; print("RAM " + typeof ramMarker);');
    await board.runUntilSleep(); // boot 2
    duringNextWake('print("RAM " + typeof ramMarker);');
    await board.runUntilSleep(); // boot 3
    expect(other.filter((line) => line.startsWith('RAM '))).toEqual(['RAM number', 'RAM undefined']);

    // Storage survived both sleeps: boot 1's unacknowledged frames are offered again at every
    // wake, the boot counter kept counting (3 ticks), and the state kept the CO2 history.
    const offered = lines.map(verifyFrame).filter((env) => env.boot === 1).map((env) => env.seq);
    expect(offered).toEqual([0, 1, 0, 1, 0, 1]);
    expect(board.storage.readString('sp.t0')!.indexOf('\xff')).toBe(3);
    // The host acknowledges over the REPL while the board is awake: the frame leaves the outbox.
    duringNextWake('print("ACK " + ack(1, 0) + " " + ack(1, 0));');
    await board.runUntilSleep();
    expect(other).toContain('ACK true false');
    expect(board.storage.list().filter((name) => name.startsWith('sp.o'))).toEqual(['sp.oc1_1']);
  });
});

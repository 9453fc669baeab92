/**
 * Power cuts through the real virtual board: the occupancy bundle's first wake is cut after every
 * possible number of programmed flash bytes (boot tick, two outbox frames, the state), then the
 * board runs on. Whatever the cut tore, what it prints afterwards is signed, never reuses a
 * (boot, seq) for different content, never contains a torn frame, and the outbox drains.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../firmware/core/record.ts';
import { buildOccupancy, provision, verifyFrame, type OccupancyBuild } from './occupancy-support.ts';

let build: OccupancyBuild;
beforeAll(async () => {
  build = await buildOccupancy();
});

function stateOf(board: ReturnType<typeof provision>['board']): { torn: number; drops: number } | null {
  let best: { g: number; v: { torn: number; drops: number } } | null = null;
  for (const name of ['sp.s0', 'sp.s1']) {
    const payload = decodeRecord(board.storage.readString(name));
    if (payload === null) continue;
    const slot = JSON.parse(payload);
    if (!best || slot.g > best.g) best = slot;
  }
  return best ? best.v : null;
}

describe('outbox and boot counter on the virtual board, power cut at every byte of a wake', () => {
  it('recovers from a cut after each of the first wake\'s programmed bytes', async () => {
    const tornFiles: Record<string, number> = {};
    let cuts = 0;
    for (let cut = 0; ; cut++) {
      const { board, lines, other } = provision(build);
      let lost: { file: string } | undefined;
      board.on('powerloss', (event: { file: string }) => { lost = event; });
      board.storage.failAfterBytes(cut);
      const first = await board.runUntilSleep();
      board.storage.failAfterBytes(undefined);
      if (first.ended !== 'powerloss') break; // the whole wake fitted under the budget: done
      cuts++;
      const where = lost!.file.startsWith('sp.o') ? 'outbox' : lost!.file.slice(0, 4);
      tornFiles[where] = (tornFiles[where] ?? 0) + 1;
      // A cut wake printed nothing (frames go out only after everything is saved).
      expect(lines).toEqual([]);

      await board.runWakes(2);
      const seen = new Map<string, string>();
      let lastBoot = 0;
      for (const line of lines) {
        const env = verifyFrame(line);
        const id = `${env.boot}/${env.seq}`;
        if (seen.has(id)) expect(seen.get(id)).toBe(line);
        seen.set(id, line);
        expect(env.boot).toBeGreaterThanOrEqual(lastBoot);
        lastBoot = env.boot;
      }
      // The recovered cold boot reports itself; the board then goes on with timer wakes.
      expect(lines.map(verifyFrame).some((env) => env.k === 't' && env.d.cause === 0)).toBe(true);
      expect(other.filter((line) => line.includes('Uncaught'))).toEqual([]);
      expect(board.warnings).toEqual([]);
      // Every frame was acknowledged and no torn record is left behind.
      expect(board.storage.list().filter((name) => name.startsWith('sp.o'))).toEqual([]);
      // A torn outbox record was found, erased and counted; other cuts tear nothing countable.
      expect(stateOf(board)!.torn).toBe(where === 'outbox' ? 1 : 0);
    }
    // Every byte of the wake was a cut point: the tick, two signed frames and the state.
    expect(cuts).toBeGreaterThan(450);
    expect(tornFiles.outbox).toBeGreaterThan(250);
    expect(tornFiles['sp.s']).toBeGreaterThan(100);
    expect(tornFiles['sp.t']).toBe(1);
    console.log(`power cut at each of ${cuts} byte offsets of a wake: ${JSON.stringify(tornFiles)}`);
  });
});

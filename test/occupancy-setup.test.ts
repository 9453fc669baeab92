/**
 * The occupancy bundle on the virtual board when something around it is wrong or runs out:
 * no provisioning, an Espruino without SHA-256, early acknowledgements, and Storage filling up
 * (the firmware compacts it at the end of a wake and goes on).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBoard } from '../host/boards.ts';
import { VirtualBoard } from '../host/sim/index.ts';
import { buildOccupancy, provision, verifyFrame, type OccupancyBuild } from './occupancy-support.ts';

let build: OccupancyBuild;
beforeAll(async () => {
  build = await buildOccupancy();
});

function consoleOf(board: VirtualBoard): () => string {
  let text = '';
  board.on('output', (chunk: string) => { text += chunk; });
  return () => text;
}

describe('occupancy app setup problems and long runs', () => {
  it('says clearly when spruce.dev is missing or malformed, and stays awake at the prompt', async () => {
    for (const [file, code] of [[undefined, 'E_NO_DEVICE'], ['{"id":"x","key":"12"}', 'E_BAD_DEVICE'], ['not json', 'E_BAD_DEVICE']] as const) {
      const board = new VirtualBoard();
      board.install({ bundle: build.bundle, files: { ...build.files, ...(file ? { 'spruce.dev': file } : {}) } });
      const output = consoleOf(board);
      const result = await board.runUntilSleep({ maxMs: 60_000 });
      expect(result.ended).toBe('idle'); // no deep-sleep loop: the REPL stays reachable
      expect(output()).toContain(`spruce: ${code} provision spruce.dev`);
      expect(output()).not.toContain('Uncaught');
      expect(board.storage.list().filter((name) => name.startsWith('sp.'))).toEqual([]); // nothing counted or sent
    }
  });

  it('says clearly when this Espruino has no crypto.SHA256, instead of crashing', async () => {
    const { board, other } = provision(build, { modules: { crypto: (ctx) => new ctx.realm.Object() } });
    const result = await board.runUntilSleep({ maxMs: 60_000 });
    expect(result.ended).toBe('idle');
    expect(other).toContain('spruce: E_NO_SHA256 no crypto.SHA256');
    expect(other.filter((line) => line.includes('Uncaught'))).toEqual([]);
  });

  it('accepts ack(boot, seq) as soon as it wakes, before the sensors are read', async () => {
    const { board, lines, other, autoAck } = provision(build);
    autoAck.on = false;
    await board.runUntilSleep(); // boot 1: status (seq 0) and class (seq 1), unacknowledged
    board.once('boot', () => board.post('print("EARLY " + ack(1, 1) + " " + ack(7, 7));', [], 'REPL'));
    await board.runUntilSleep();
    expect(other).toContain('EARLY true false');
    // Boot 2 offers only what is still pending: the status frame of boot 1.
    expect(lines.map(verifyFrame).map((env) => `${env.boot}/${env.seq}`)).toEqual(['1/0', '1/1', '1/0']);
  });

  it('compacts Storage when it runs low and keeps every frame flowing', async () => {
    // A small flash so a few hundred wakes fill it (the real one takes ~2.5 days, outbox.md).
    const small = { ...loadBoard('virtual') };
    small.storage = { ...small.storage, bytes: 160 * 1024 };
    const { board, lines, other } = provision(build, { board: small });
    let compactions = 0;
    let lastTrash = 0;
    let minFree = Infinity;
    for (let wake = 0; wake < 900; wake++) {
      const result = await board.runUntilSleep();
      expect(result.ended).toBe('sleep');
      minFree = Math.min(minFree, board.storage.getFree());
      const trash = board.storage.getStats().trashBytes;
      if (trash < lastTrash) compactions++;
      lastTrash = trash;
    }
    expect(compactions).toBeGreaterThanOrEqual(2);
    // The firmware compacted below 64 KB free at the end of a wake; flash never ran full
    // (which would make Espruino compact by itself in the middle of a write).
    expect(minFree).toBeGreaterThan(60 * 1024);
    const envelopes = lines.map(verifyFrame);
    expect(envelopes.filter((env) => env.k === 's')).toHaveLength(60);
    expect(Math.max(...envelopes.map((env) => env.boot))).toBeGreaterThan(880);
    expect(other.filter((line) => line.includes('Uncaught'))).toEqual([]);
    expect(board.warnings).toEqual([]);
  });
});

/**
 * Board constants at build time: a bundle carries the I2C pins of the board it was built for,
 * taken from boards/<id>.json, and no other board's.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { listBoardIds, loadBoard } from '../boards.ts';
import { projectRoot } from '../paths.ts';
import { boardPinsSource } from './board-module.ts';
import { buildSource } from './index.ts';

const boardModule = join(projectRoot(), 'firmware', 'hal', 'board.ts');
const entry = `import { setupBoardI2c } from ${JSON.stringify(boardModule.slice(0, -3))};\nsetupBoardI2c(100000);\n`;

describe('board pins baked in by the build', () => {
  it('generates the pins of each board JSON, JSON-quoted', () => {
    expect(boardPinsSource({ i2c: { scl: 'D9', sda: 'D8' } })).toBe('export var I2C_SCL = "D9";\nexport var I2C_SDA = "D8";\n');
    expect(boardPinsSource({ i2c: { scl: 'a"b', sda: 'D8' } })).toContain('"a\\"b"');
  });

  it('a bundle for each board sets I2C up on that board\'s pins only', async () => {
    const boards = listBoardIds().map((id) => loadBoard(id));
    const pins = new Set(boards.map((b) => `${b.pins.i2c.scl}/${b.pins.i2c.sda}`));
    expect(pins.size).toBeGreaterThan(1); // else this test could not tell boards apart
    for (const id of ['esp32', 'esp32c3']) {
      const board = loadBoard(id);
      const { code } = await buildSource({ code: entry }, board);
      expect(code, id).toContain(`scl:global.${board.pins.i2c.scl},sda:global.${board.pins.i2c.sda}`);
      for (const other of boards) {
        if (other.pins.i2c.scl !== board.pins.i2c.scl) expect(code, `${id} carries ${other.id}'s pins`).not.toContain(`global.${other.pins.i2c.scl}`);
      }
      expect(code).not.toContain('process.env');
    }
  }, 60_000);
});

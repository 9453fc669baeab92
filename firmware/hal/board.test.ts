import { describe, expect, it } from 'vitest';
import { listBoardIds, loadBoard } from '../../host/boards.ts';
import { I2C_PINS } from './board.ts';

interface BoardPins {
  id: string;
  virtual?: boolean;
  espruino: { build: string };
  pins: { i2c: { scl: string; sda: string } };
}

describe('firmware board pins follow boards/*.json', () => {
  it('has the I2C pins of every board, keyed by its Espruino build, exactly as its JSON says', () => {
    const boards = listBoardIds().map((id) => loadBoard(id) as unknown as BoardPins);
    expect(boards.length).toBeGreaterThan(1);
    for (const board of boards) expect(I2C_PINS[board.espruino.build], board.id).toEqual(board.pins.i2c);
    expect(Object.keys(I2C_PINS).sort()).toEqual([...new Set(boards.map((b) => b.espruino.build))].sort());
  });
});

import { describe, expect, it } from 'vitest';
import { listBoardIds, loadBoard, jsVarBudget } from './boards.ts';

describe('boards', () => {
  it('has the esp32, a second ESP32 variant and the virtual board, all valid against the schema', () => {
    const ids = listBoardIds();
    expect(ids).toEqual(expect.arrayContaining(['esp32', 'esp32c3', 'virtual']));
    for (const id of ids) {
      const board = loadBoard(id);
      expect(board.id).toBe(id);
      // analogRead only exists on ADC pins, and wake pins must be real pins
      for (const pin of [...board.pins.adc, ...board.pins.wake]) expect(board.pins.gpio).toContain(pin);
      expect(jsVarBudget(board)).toBeGreaterThan(1000);
    }
  });

  it('rejects an unknown board with the list of known ones', () => {
    expect(() => loadBoard('esp8266')).toThrow(/no board named "esp8266"/);
  });

  it('ESP32 ADC is D32-D39 only, as ESPRUINO.md measured', () => {
    expect(loadBoard('esp32').pins.adc).toEqual(['D32', 'D33', 'D34', 'D35', 'D36', 'D37', 'D38', 'D39']);
  });
});

import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../host/boards.ts';
import { I2C_SCL, I2C_SDA } from './board-pins.ts';

describe('firmware board pins follow boards/*.json', () => {
  it('board-pins.ts as written (what host code and board-less builds see) holds the esp32 board\'s I2C pins', () => {
    // Every real build replaces the file with its board's pins (host/build/board-module.test.ts).
    expect({ scl: I2C_SCL, sda: I2C_SDA }).toEqual(loadBoard('esp32').pins.i2c);
  });
});

/**
 * Board pins the firmware needs, as data keyed by Espruino's process.env.BOARD (a board JSON's
 * espruino.build).
 * boards/*.json is the source of truth: firmware/hal/board.test.ts fails if this table and the
 * JSON files disagree, so adding a board is adding its JSON file and one line here.
 */
export var I2C_PINS: { [board: string]: { scl: string; sda: string } } = {
  ESP32: { scl: 'D22', sda: 'D21' },
  ESP32C3_IDF4: { scl: 'D9', sda: 'D8' },
};

/** Sets I2C1 up on the I2C pins of the board running this code (ESP32 defaults when the board is unknown). */
export function setupBoardI2c(bitrate: number): void {
  var names = I2C_PINS[process.env.BOARD] || I2C_PINS.ESP32;
  I2C1.setup({ scl: global[names.scl], sda: global[names.sda], bitrate: bitrate });
}

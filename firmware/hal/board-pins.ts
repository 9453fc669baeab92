/**
 * The I2C pins of the board this bundle is built for, as Espruino pin names.
 *
 * Boards are data (boards/<id>.json). The build knows the board, so `spruce build` replaces this
 * module's compiled text with the pins of boards/<id>.json (host/build/board-module.ts): a bundle
 * carries its own board's pins only, with no table of every board and no run-time lookup of
 * process.env.BOARD (bytes the interpreter would parse on every wake).
 *
 * The text below is what the type-checker, host-side tests and a build without a board see: the
 * esp32 board's pins (firmware/hal/board.test.ts checks them against boards/esp32.json).
 */
export var I2C_SCL = 'D22';
export var I2C_SDA = 'D21';

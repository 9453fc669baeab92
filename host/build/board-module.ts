/**
 * Board constants at build time: the rollup plugin that replaces firmware/hal/board-pins.ts with
 * the target board's pins from boards/<id>.json, so a bundle ships one board's data instead of a
 * table of every board picked at run time by process.env.BOARD.
 *
 * It runs after @rollup/plugin-typescript, on the module's compiled JavaScript (the TypeScript
 * plugin emits from its own program and ignores other plugins' `load` results). The replacement
 * exports the same names with the same types (strings), so type-checking against the file on
 * disk stays valid; the values are JSON-quoted, so no pin name can break out of the literal.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'rollup';
import { projectRoot } from '../paths.ts';

/** The pins a build bakes in (a board JSON's pins.i2c). */
export interface BuildBoardPins {
  i2c: { scl: string; sda: string };
}

export function boardPinsModulePath(): string {
  return resolve(projectRoot(), 'firmware', 'hal', 'board-pins.ts');
}

/** The JavaScript that stands in for firmware/hal/board-pins.ts in a build for `pins`. */
export function boardPinsSource(pins: BuildBoardPins): string {
  return `export var I2C_SCL = ${JSON.stringify(pins.i2c.scl)};\nexport var I2C_SDA = ${JSON.stringify(pins.i2c.sda)};\n`;
}

export function boardPinsPlugin(pins: BuildBoardPins): Plugin {
  const target = boardPinsModulePath();
  return {
    name: 'spruce-board-pins',
    transform(_code, id) {
      if (resolve(id) !== target) return null;
      // An empty map: the generated lines have no TypeScript source to point back to.
      return { code: boardPinsSource(pins), map: { mappings: '' } };
    },
  };
}

/**
 * Board pins the firmware needs. They come from boards/<id>.json at build time (board-pins.ts is
 * replaced by the build with the target board's values), so adding a board is adding its JSON file.
 */
import { I2C_SCL, I2C_SDA } from './board-pins';

/** Sets I2C1 up on the I2C pins of the board this bundle was built for. */
export function setupBoardI2c(bitrate: number): void {
  I2C1.setup({ scl: global[I2C_SCL], sda: global[I2C_SDA], bitrate: bitrate });
}

/**
 * Adapts the sim's VirtualBoard to what the console needs (board.ts): output split into lines,
 * boots reported as reboots with an ESP32-like banner, Storage through the board's FlashStorage
 * (Espruino semantics: fixed-size files filled in by offset), echo state kept on the board (the
 * sandbox's echo() sets it), and "asleep" so a board in deep sleep ignores its console like a chip.
 */
import type { VirtualBoard } from '../board.ts';
import type { ConsoleBoard } from './board.ts';

const BANNERS: Record<number, string> = {
  0: 'ets Jun  8 2016 00:22:57\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  4: 'ets Jun  8 2016 00:22:57\r\n\r\nrst:0x5 (DEEPSLEEP_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
};

export function consoleBoardOf(board: VirtualBoard): ConsoleBoard {
  return {
    evaluate: (code) => board.evaluate(code),
    onOutput(listener) {
      let partial = '';
      const onText = (text: string) => {
        const lines = (partial + text).split('\n');
        partial = lines.pop()!;
        for (const line of lines) listener(line.replace(/\r$/, ''));
      };
      board.on('output', onText);
      return () => board.off('output', onText);
    },
    onReboot(listener) {
      const onBoot = ({ cause }: { cause: number }) => {
        const version = String(board.env.VERSION ?? board.board.espruino.version);
        listener(`${BANNERS[cause] ?? BANNERS[0]}\r\nEspruino ${version} (spruce virtual board)`);
      };
      board.on('boot', onBoot);
      return () => board.off('boot', onBoot);
    },
    readFile(name) {
      const data = board.storage.read(name);
      return data === undefined ? undefined : Buffer.from(data);
    },
    writeFile(name, data, offset, size) {
      if (offset === 0) board.storage.erase(name);
      if (!board.storage.write(name, data, offset, size)) throw new Error(`Storage.write(${name}) failed`);
    },
    storageFree: () => board.storage.getFree(),
    env: () => ({ VERSION: String(board.env.VERSION ?? board.board.espruino.version), BOARD: String(board.env.BOARD ?? 'ESP32') }),
    echoState: {
      get: () => board.echo,
      set: (on) => {
        board.echo = on;
      },
    },
    get sleeping() {
      return board.state !== 'awake';
    },
  };
}

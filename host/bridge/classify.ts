/**
 * Sorts console lines: telemetry (by its reserved prefix), device errors (`Uncaught …`), and noise
 * (ROM and Espruino banners, prompts, echo) which is ignored.
 *
 * Espruino prints output from a timer while the prompt is shown as `\r\x1b[J` + text + `\r\n>`
 * (ESPRUINO.md §4), so a line may start with a left-over `>` prompt and that erase sequence. Those
 * decorations are peeled off before looking for the prefix; nothing else is rewritten.
 */
import { WIRE_PREFIX } from '../../firmware/core/wire.ts';

export type LineClass =
  | { type: 'frame'; line: string }
  | { type: 'device-error'; message: string }
  | { type: 'noise' };

const ERASE_LINE = '\x1b[J';

/** Removes leading prompt characters, carriage returns, DLE bytes and erase-line sequences. */
export function stripConsoleDecorations(line: string): string {
  let i = 0;
  for (;;) {
    const c = line.charCodeAt(i);
    if (c === 62 /* > */ || c === 13 /* \r */ || c === 16 /* DLE */) {
      i++;
    } else if (line.startsWith(ERASE_LINE, i)) {
      i += ERASE_LINE.length;
    } else {
      break;
    }
  }
  return i === 0 ? line : line.slice(i);
}

export function classifyLine(raw: string): LineClass {
  const line = stripConsoleDecorations(raw);
  if (line.startsWith(WIRE_PREFIX)) return { type: 'frame', line };
  if (line.startsWith('Uncaught ')) return { type: 'device-error', message: printable(line) };
  return { type: 'noise' };
}

/** Device errors are shown to people and logged: keep them printable ASCII and short. */
function printable(text: string): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < 200; i++) {
    const c = text.charCodeAt(i);
    out += c >= 32 && c < 127 ? text[i] : '?';
  }
  return out;
}

/**
 * `spruce repl [--port P | --tcp host:port]`: an interactive terminal on the board's REPL.
 *
 * Keys go to the board as typed (it echoes and edits the line itself), so Ctrl-C reaches the board
 * and breaks running code, as on a plain terminal. Exit with Ctrl-] (like telnet) or Ctrl-D on an
 * empty line. Up/Down recall lines from a history kept on the host (~/.spruce/repl_history, or
 * $SPRUCE_REPL_HISTORY), so history survives reboots of the board and works on any firmware.
 * With stdin not a terminal, lines are read from stdin and sent one by one (scripts, tests).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CommandSpec } from './command.ts';
import { openLink } from '../link/open.ts';
import { RxDemux } from '../link/rx.ts';
import type { Transport } from '../link/transport.ts';

interface ReplFlags {
  port?: string;
  tcp?: string;
  baud: string;
  /** For piped stdin: how long to keep listening after the last line, ms. */
  linger: string;
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_RIGHT_BRACKET = 0x1d;

export function historyPath(): string {
  return process.env.SPRUCE_REPL_HISTORY ?? join(homedir(), '.spruce', 'repl_history');
}

function loadHistory(): string[] {
  const path = historyPath();
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-500) : [];
}

function saveHistoryLine(line: string): void {
  const path = historyPath();
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, line + '\n', { mode: 0o600 });
}

/**
 * Tracks what the user has typed on the current line so Up/Down can replace it (backspaces, then
 * the recalled text) and Enter can record it.
 */
export class LineHistory {
  current = '';
  private index: number;
  constructor(private readonly lines: string[]) {
    this.index = lines.length;
  }

  /** Processes keyboard bytes; returns the bytes to send to the board and whether to quit. */
  feed(input: Buffer): { send: Buffer; quit: boolean } {
    const out: number[] = [];
    for (let i = 0; i < input.length; i++) {
      const byte = input[i]!;
      if (byte === CTRL_RIGHT_BRACKET || (byte === CTRL_D && this.current === '')) return { send: Buffer.from(out), quit: true };
      if (byte === 0x1b && input[i + 1] === 0x5b && (input[i + 2] === 0x41 || input[i + 2] === 0x42)) {
        const up = input[i + 2] === 0x41;
        i += 2;
        const next = up ? Math.max(0, this.index - 1) : Math.min(this.lines.length, this.index + 1);
        if (next === this.index && up) continue;
        this.index = next;
        const recalled = this.lines[this.index] ?? '';
        for (let k = 0; k < this.current.length; k++) out.push(0x08);
        out.push(...Buffer.from(recalled, 'latin1'));
        this.current = recalled;
        continue;
      }
      if (byte === 0x0d || byte === 0x0a) {
        if (this.current.trim() !== '') {
          this.lines.push(this.current);
          saveHistoryLine(this.current);
        }
        this.current = '';
        this.index = this.lines.length;
      } else if (byte === 0x7f || byte === 0x08) {
        this.current = this.current.slice(0, -1);
      } else if (byte === CTRL_C) {
        this.current = '';
      } else if (byte >= 0x20) {
        this.current += String.fromCharCode(byte);
      }
      out.push(byte);
    }
    return { send: Buffer.from(out), quit: false };
  }
}

async function interactive(transport: Transport): Promise<void> {
  const history = new LineHistory(loadHistory());
  process.stderr.write(`spruce repl: connected to ${transport.name} — Ctrl-] or Ctrl-D to exit, Ctrl-C goes to the board\r\n`);
  process.stdin.setRawMode(true);
  process.stdin.resume();
  // Echo back on (another tool may have turned it off: the REPL needs it), then a fresh prompt.
  // The DLE keeps that line itself from being echoed; nothing running is disturbed.
  await transport.write('\x10echo(1)\n\n');
  await new Promise<void>((resolve) => {
    const onKeys = (chunk: Buffer) => {
      const { send, quit } = history.feed(chunk);
      if (send.length > 0) transport.write(send).catch((error: Error) => process.stderr.write(`\r\n[${error.message}]\r\n`));
      if (quit) {
        process.stdin.off('data', onKeys);
        resolve();
      }
    };
    process.stdin.on('data', onKeys);
  });
  process.stdin.setRawMode(false);
  process.stdin.pause();
  process.stderr.write('\r\n');
}

async function piped(transport: Transport, lingerMs: number): Promise<void> {
  await transport.write('\x10echo(1)\n');
  let text = '';
  for await (const chunk of process.stdin) text += chunk.toString();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    await transport.write(line + '\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, lingerMs));
}

export const replCommand: CommandSpec = {
  name: 'repl',
  summary: "an interactive terminal on the board's JavaScript REPL (Ctrl-C passes through)",
  configure(command) {
    command
      .option('-p, --port <path>', 'serial port (default: the one port that looks like an ESP32)')
      .option('--tcp <host:port>', "the board's TCP console")
      .option('--baud <rate>', 'serial baud rate', '115200')
      .option('--linger <ms>', 'with piped stdin: keep printing output this long after the last line', '1000')
      .addHelpText('after', `
Keys: Ctrl-C is sent to the board (breaks running code / clears the line); Ctrl-] or Ctrl-D on an
empty line exits; Up/Down recall history ($SPRUCE_REPL_HISTORY or ~/.spruce/repl_history).
Piped: echo '1+2' | spruce repl --port /dev/ttyUSB0`)
      .action(async (flags: ReplFlags) => {
        const transport = await openLink({ port: flags.port, tcp: flags.tcp, baud: Number(flags.baud), notice: (m) => process.stderr.write(`spruce repl: ${m}\n`) });
        const rx = new RxDemux();
        rx.on('text', (bytes) => process.stdout.write(bytes));
        transport.on('data', (chunk) => rx.push(chunk));
        transport.on('disconnect', () => process.stderr.write('\r\n[disconnected: waiting for the board]\r\n'));
        transport.on('open', () => {
          rx.reset();
          process.stderr.write('\r\n[reconnected]\r\n');
        });
        try {
          if (process.stdin.isTTY) await interactive(transport);
          else await piped(transport, Number(flags.linger));
        } finally {
          await transport.close();
        }
      });
  },
};

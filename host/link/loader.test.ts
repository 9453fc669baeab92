import { describe, expect, it } from 'vitest';
import { LOADER_SOURCE, COMMIT_FILE, BOOT_FILE } from './loader.ts';
import { ScriptBoard } from '../../test/support/script-board.ts';

function boardWith(files: Record<string, string>): { board: ScriptBoard; output: string[] } {
  const board = new ScriptBoard();
  for (const [name, text] of Object.entries(files)) board.files.set(name, Buffer.from(text));
  const output: string[] = [];
  board.onOutput((line) => output.push(line));
  return { board, output };
}

describe('the boot loader', () => {
  it('without a commit record boots the live files untouched', () => {
    const { board, output } = boardWith({ [BOOT_FILE]: LOADER_SOURCE, 'spruce.js': 'var V=1;', 'spruce.ver': '{"app":"a","sha":"old"}', '~spruce.js': 'var V=2;' });
    board.reboot();
    expect(board.evaluate('V')).toBe(1);
    expect(output).toContain('spruce: running a old');
  });

  it('applies a commit, and finishes it after a power cut half-way through', () => {
    const { board, output } = boardWith({
      [BOOT_FILE]: LOADER_SOURCE,
      'spruce.js': 'var V=1;',
      'spruce.ver': '{"app":"a","sha":"old"}',
      '~spruce.js': 'var V=2;',
      '~spruce.ver': '{"app":"a","sha":"new"}',
      [COMMIT_FILE]: JSON.stringify({ f: [['~spruce.js', 'spruce.js'], ['~spruce.ver', 'spruce.ver']] }),
    });
    // Power fails during the second copy.
    const write = board.writeFile.bind(board);
    let writes = 0;
    board.writeFile = (name, data, offset, size) => {
      if (++writes === 2) throw new Error('power lost');
      write(name, data, offset, size);
    };
    board.reboot();
    expect(board.files.has(COMMIT_FILE)).toBe(true);
    board.writeFile = write;
    board.reboot();
    expect(board.evaluate('V')).toBe(2);
    expect(output.at(-1)).toBe('spruce: running a new');
    expect([...board.files.keys()].sort()).toEqual([BOOT_FILE, 'spruce.js', 'spruce.ver']);
  });

  it('reports an app that throws while loading, and keeps the console alive', () => {
    const { board, output } = boardWith({ [BOOT_FILE]: LOADER_SOURCE, 'spruce.js': 'throw new Error("bad")', 'spruce.ver': '{"app":"a","sha":"x"}' });
    board.reboot();
    expect(output.at(-1)).toBe('spruce: failed a: Error: bad');
    expect(board.evaluate('__spruce.err')).toBe('Error: bad');
  });
});

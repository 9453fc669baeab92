import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineHistory } from './repl.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spruce-repl-'));
  process.env.SPRUCE_REPL_HISTORY = join(dir, 'history');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repl keys', () => {
  it('passes keys and Ctrl-C through, records lines, recalls them with Up', () => {
    const history = new LineHistory([]);
    expect([...history.feed(Buffer.from('1+1\r')).send]).toEqual([...Buffer.from('1+1\r')]);
    expect([...history.feed(Buffer.from([0x03])).send]).toEqual([0x03]);
    history.feed(Buffer.from('ab'));
    // Up: erase "ab" on the board's line (2 backspaces), then type the recalled line.
    expect(history.feed(Buffer.from('\x1b[A')).send.toString('latin1')).toBe('\x08\x08' + '1+1');
    expect(readFileSync(join(dir, 'history'), 'utf8')).toBe('1+1\n');
  });

  it('exits on Ctrl-] and on Ctrl-D at an empty line only', () => {
    expect(new LineHistory([]).feed(Buffer.from([0x1d])).quit).toBe(true);
    expect(new LineHistory([]).feed(Buffer.from([0x04])).quit).toBe(true);
    const typing = new LineHistory([]);
    expect(typing.feed(Buffer.from([0x61, 0x04])).quit).toBe(false);
  });
});

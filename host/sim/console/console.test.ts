import { describe, expect, it } from 'vitest';
import { VirtualConsole } from './console.ts';
import { isIncomplete } from './brackets.ts';
import { encodePacket, PacketType, ACK, NAK } from '../../link/packets.ts';
import { ScriptBoard } from '../../../test/support/script-board.ts';

function make() {
  const board = new ScriptBoard();
  const console = new VirtualConsole(board);
  let out = '';
  console.on('tx', (bytes) => (out += bytes.toString('latin1')));
  return {
    board,
    console,
    type: (text: string | Buffer) => console.receive(typeof text === 'string' ? Buffer.from(text, 'latin1') : text),
    take: () => {
      const value = out;
      out = '';
      return value;
    },
  };
}

describe('virtual console line discipline', () => {
  it('echoes, prints =result and a > prompt', () => {
    const c = make();
    c.type('1+2\r');
    expect(c.take()).toBe('1+2\r\n=3\r\n>');
  });

  it('does not echo a DLE-prefixed line, nor print its result', () => {
    const c = make();
    c.type('\x10var a=5\n');
    expect(c.take()).toBe('');
    expect(c.board.evaluate('a')).toBe(5);
  });

  it('echo(0) silences echo, results and prompt; print output stays', () => {
    const c = make();
    c.type('echo(0)\n');
    c.take();
    c.type('print("hi");1+1\n');
    expect(c.take()).toBe('hi\r\n');
  });

  it('Ctrl-C clears a half-typed line', () => {
    const c = make();
    c.type('garbage(');
    expect(c.console.inputLine).toBe('garbage(');
    c.type('\x03');
    expect(c.console.inputLine).toBe('');
    c.type('2*3\n');
    expect(c.take()).toContain('=6');
  });

  it('continues inside brackets and after ESC+newline', () => {
    const c = make();
    c.type('\x10function f(){\n');
    c.type('return 7}\n');
    expect(c.board.evaluate('f()')).toBe(7);
    c.type('\x10var s=1\x1b\n+1\n');
    expect(c.board.evaluate('s')).toBe(2);
  });

  it('answers 0x05 on an empty line with version and board', () => {
    const c = make();
    c.type('\x05');
    expect(c.take()).toBe('2v29 ESP32\r\n');
  });

  it('redraws the prompt around output from timers', () => {
    const c = make();
    c.type('ab');
    c.take();
    c.console.print('tick');
    expect(c.take()).toBe('\r\x1b[Jtick\r\n>ab');
  });

  it('reports errors as Uncaught', () => {
    const c = make();
    c.type('\x10nosuch()\n');
    expect(c.take()).toMatch(/^Uncaught ReferenceError: nosuch is not defined/);
  });

  it('handles packets: EVAL -> ACK + RESPONSE; bad FILE_SEND -> NAK; DATA without a file -> NAK', () => {
    const c = make();
    c.type(encodePacket(PacketType.EVAL, '6*7'));
    expect(c.take()).toBe(String.fromCharCode(ACK) + encodePacket(PacketType.RESPONSE, '42').toString('latin1'));
    c.type(encodePacket(PacketType.FILE_SEND, 'not json'));
    expect(c.take()).toBe(String.fromCharCode(NAK));
    c.type(encodePacket(PacketType.DATA, 'orphan'));
    expect(c.take()).toBe(String.fromCharCode(NAK));
    c.type(encodePacket(PacketType.FILE_SEND, JSON.stringify({ fn: 'f', s: 3 })));
    // Split across receives, with a DLE inside the data.
    const data = encodePacket(PacketType.DATA, Buffer.from([0x10, 0x01, 0x03]));
    c.type(data.subarray(0, 3));
    c.type(data.subarray(3));
    expect(c.take()).toBe(String.fromCharCode(ACK, ACK));
    expect(c.board.readFile('f')).toEqual(Buffer.from([0x10, 0x01, 0x03]));
  });
});

describe('isIncomplete', () => {
  it('tracks brackets, strings and comments', () => {
    expect(isIncomplete('f(')).toBe(true);
    expect(isIncomplete('f()')).toBe(false);
    expect(isIncomplete('"(" + 1')).toBe(false);
    expect(isIncomplete('/* (')).toBe(true);
    expect(isIncomplete('x // (')).toBe(false);
    expect(isIncomplete('`a\n')).toBe(true);
  });
});

import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyLine, cleanConsoleLine, formatForHuman, formatForJson, LineAssembler, verifyFrameHmac } from './monitor.ts';

const key = '11'.repeat(32);
function frame(json: string, k = key): string {
  return `@s1 ${json} ${createHmac('sha256', Buffer.from(k, 'hex')).update(json).digest('hex')}`;
}

describe('monitor line handling', () => {
  const json = '{"dev":"d1","boot":3,"seq":7,"k":"c","d":{"to":1}}';

  it('decodes and verifies a frame with the registry key', () => {
    const entry = classifyLine(frame(json), { d1: key });
    expect(entry).toMatchObject({ type: 'frame', kind: 'class', verified: true, envelope: { dev: 'd1', seq: 7 } });
    expect(formatForHuman(entry!, false)).toContain('d1 boot 3 #7 class {"to":1} [verified]');
  });

  it('flags a frame signed with another key, and one whose device has no key', () => {
    expect(classifyLine(frame(json, '22'.repeat(32)), { d1: key })).toMatchObject({ verified: false, problem: expect.stringContaining('HMAC') });
    expect(classifyLine(frame(json), {})).toMatchObject({ verified: null });
  });

  it('tells device errors from text, and strips prompt redraws', () => {
    expect(classifyLine('\r\x1b[JUncaught Error: boom', {})).toMatchObject({ type: 'error', line: 'Uncaught Error: boom' });
    expect(classifyLine('>hello', {})).toMatchObject({ type: 'text', line: 'hello' });
    expect(classifyLine('\r\x1b[J', {})).toBeNull();
    expect(cleanConsoleLine('>>x\r')).toBe('x');
  });

  it('a frame with broken JSON is reported, not dropped', () => {
    expect(classifyLine('@s1 short', {})?.type).toBe('text');
    const bad = classifyLine(`@s1 {not json} ${'a'.repeat(64)}`, {});
    expect(bad).toMatchObject({ type: 'frame', verified: false, problem: 'the JSON does not parse' });
    expect(JSON.parse(formatForJson(bad!))).toMatchObject({ type: 'frame', verified: false });
  });

  it('verifyFrameHmac is a constant-time compare that rejects short input', () => {
    expect(verifyFrameHmac(json, 'ab', key)).toBe(false);
  });

  it('assembles lines across chunks', () => {
    const lines: string[] = [];
    const assembler = new LineAssembler();
    assembler.push('ab', (l) => lines.push(l));
    assembler.push('c\r\nde\nf', (l) => lines.push(l));
    expect(lines).toEqual(['abc\r', 'de']);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyLine } from './classify.ts';

describe('classifyLine', () => {
  it('finds telemetry behind prompt and erase-line decorations', () => {
    expect(classifyLine('>\r\x1b[J@s1 {"a":1} ' + 'a'.repeat(64))).toEqual({ type: 'frame', line: '@s1 {"a":1} ' + 'a'.repeat(64) });
    expect(classifyLine('@s1 x')).toEqual({ type: 'frame', line: '@s1 x' });
  });
  it('surfaces Uncaught lines as device errors, printable only', () => {
    expect(classifyLine('Uncaught Error: x\x01')).toEqual({ type: 'device-error', message: 'Uncaught Error: x?' });
  });
  it('ignores banners, prompts and echo', () => {
    for (const line of ['ets Jun  8 2016 00:22:57', 'rst:0x1 (POWERON_RESET)', '>', '', ' ____                 _', '=undefined', 'ack(1,2)']) {
      expect(classifyLine(line).type).toBe('noise');
    }
  });
});

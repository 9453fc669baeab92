import { describe, expect, it } from 'vitest';
import { espruinoNumberToString, formatPrintArgs, formatUncaught, formatValue } from './format.ts';

describe('Espruino number printing', () => {
  it('reproduces the measured examples of ESPRUINO.md', () => {
    expect(espruinoNumberToString(Math.sqrt(2))).toBe('1.41421356237');
    expect(espruinoNumberToString(123456789.123)).toBe('123456789.12299999594');
    expect(espruinoNumberToString(1e21)).toBe('10e+20');
  });
  it('prints integers exactly and drops -0', () => {
    expect(espruinoNumberToString(42)).toBe('42');
    expect(espruinoNumberToString(-7)).toBe('-7');
    expect(espruinoNumberToString(-0)).toBe('0');
    expect(espruinoNumberToString(0.5)).toBe('0.5');
    expect(espruinoNumberToString(-2.25)).toBe('-2.25');
    expect(espruinoNumberToString(NaN)).toBe('NaN');
    expect(espruinoNumberToString(-Infinity)).toBe('-Infinity');
  });
});

describe('console formatting', () => {
  it('prints strings raw at top level and values in Espruino notation', () => {
    expect(formatPrintArgs(['a', 1, [1, 'x'], { k: true }])).toBe('a 1 [ 1, "x" ] { "k": true }');
    expect(formatValue(new Uint8Array([1, 2]))).toBe('new Uint8Array([1, 2])');
    expect(formatValue('s')).toBe('"s"');
    expect(formatUncaught(new TypeError('bad'))).toBe('Uncaught TypeError: bad');
    expect(formatUncaught('oops')).toBe('Uncaught "oops"');
  });
});

/**
 * The clamped-store rule: an indexed store into a Uint8ClampedArray must be visibly integral,
 * because Espruino truncates (1.5 -> 1) where JavaScript and the virtual board round (-> 2),
 * and the sandbox cannot intercept an indexed store.
 */
import { describe, expect, it } from 'vitest';
import { checkBundle } from './index.ts';
import { buildSource } from '../index.ts';

const clampedRule = (code: string) => checkBundle(code).filter((v) => v.rule === 'clamped-store');

describe('clamped-store rule', () => {
  it.each([
    ['a division', 'var c=new Uint8ClampedArray(4);c[0]=7/2;'],
    ['a variable of unknown kind', 'var v=1.5,c;c=new Uint8ClampedArray(4);c[1]=v;'],
    ['a fractional literal', 'function f(n){var c=new Uint8ClampedArray(n);c[0]=0.5;return c}'],
    ['a compound division', 'var c=new Uint8ClampedArray(4);c[0]/=2;'],
    ['Math.sqrt', 'var c=new Uint8ClampedArray(4);c[2]=Math.sqrt(2);'],
  ])('flags a store of %s, as an error', (_name, code) => {
    const found = clampedRule(code);
    expect(found).toHaveLength(1);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.message).toMatch(/truncates before clamping.*x \| 0/);
  });

  it('stays quiet on integral stores, .set(), reads and other arrays', () => {
    const code = 'var v=1.5,c=new Uint8ClampedArray(4),u=new Uint8Array(4);' +
      'c[0]=v|0;c[1]=Math.floor(v);c[2]=3;c[3]=v>>0;c[0]+=1;c[1]|=v;c[2]=-(1+2)*3;c[3]=v?1:0;' +
      'c.set([1.5]);c.fill(2);u[0]=v;var r=c[0]/2;function g(c){c[0]=v}g(u);';
    expect(clampedRule(code)).toEqual([]);
  });

  it('names the TypeScript module and line through the real build', async () => {
    const source = 'const level = new Uint8ClampedArray(2);\nconst ratio: number = Number("0.75");\nlevel[0] = ratio * 2;\nconsole.log(level[0]);\n';
    const result = await buildSource({ code: source }, 'esp32', { failOn: 'never' });
    const found = result.violations.filter((v) => v.rule === 'clamped-store');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', sourceLine: 3 });
    expect(found[0]!.source).toMatch(/main\.ts$/);
  });
});

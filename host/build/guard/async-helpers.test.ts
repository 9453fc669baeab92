/**
 * The async-generator rule: TypeScript's ES5 output for async functions and generators is plain
 * ES5 (so es5-syntax passes it), but it is built on helpers Espruino must not run. The rule must
 * find them as tsc emits them, as terser inlines them, and through the real build, naming the
 * module; and it must stay quiet on promise chains and look-alike code.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { checkBundle, errorsOf } from './index.ts';
import { buildSource } from '../index.ts';
import { isSpruceError } from '../../errors.ts';

const asyncRule = (code: string) => checkBundle(code).filter((v) => v.rule === 'async-generator');

/** What tsc itself emits for ES5 (helpers written out at the top, under their tslib names). */
function tscES5(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.None, downlevelIteration: true, importHelpers: false },
  }).outputText;
}

describe('async-generator rule on tsc output', () => {
  it('reports an async function once, at its own code, with the helper named', () => {
    const code = tscES5('function wait(ms: number) { return Promise.resolve(ms); }\nasync function twice(ms: number) {\n  const a = await wait(ms);\n  return a * 2;\n}\ntwice(1);\n');
    expect(code).toContain('__awaiter');
    const found = asyncRule(code);
    expect(found.map((v) => [v.construct, v.severity])).toEqual([['async function', 'error']]);
    expect(found[0]!.message).toMatch(/__awaiter.*\.then\(\)/);
    // Reported where the firmware calls the helper (inside twice), not on the helper itself.
    const line = code.split('\n')[found[0]!.line - 1]!;
    expect(line).toMatch(/return __awaiter\(/);
  });

  it('reports each generator function', () => {
    const code = tscES5('function* count(n: number) { for (let i = 0; i < n; i++) yield i; }\nfunction* none() { }\n');
    expect(asyncRule(code).map((v) => v.construct)).toEqual(['generator', 'generator']);
  });

  it('reports async generators', () => {
    const code = tscES5('async function* ticks() { yield 1; }\nvoid ticks;\n');
    expect(asyncRule(code).map((v) => v.construct)).toContain('async generator');
  });
});

describe('async-generator rule on minified helpers', () => {
  it('finds __awaiter/__generator after terser renamed and inlined them', () => {
    // The shape terser gives one async function (taken from a real build, trimmed).
    const code = '!function(){function t(t){var e,n,r;return e=this,r=function(){return function(t,e){var n,r,o,c,a;' +
      'function i(i){return function(u){return[i,u]}}return c={label:0,sent:function(){if(1&o[0])throw o[1];return o[1]},trys:[],ops:[]},' +
      'a=Object.create(("function"==typeof Iterator?Iterator:Object).prototype),a.next=i(0),a}(this,function(e){switch(e.label){case 0:return[4,Promise.resolve(t)];case 1:return[2,e.sent()+1]}})},' +
      'new((n=void 0)||(n=Promise))(function(t,o){function i(e){e.done?t(e.value):new n(function(t){t(e.value)}).then(i,o)}i((r=r.apply(e,[])).next())})}t(3).then(function(t){console.log(t)})}();';
    expect(asyncRule(code).map((v) => [v.construct, v.line, v.column])).toEqual([['async function', 1, 12]]); // the function terser merged __awaiter into
  });
});

describe('async-generator rule stays quiet', () => {
  it.each([
    ['promise chains', 'var p=new Promise(function(r){r(1)}).then(function(v){return v+1});Promise.all([p]);'],
    ['an object with a label', 'var o={label:0,sent:1,trys:[]};'],
    ['a fallback that is not Promise', 'var P,C=function(){};var x=new(P||(P=C))();'],
    ['tsc output for plain classes and loops', tscES5('class A { n = 1; m() { return this.n; } }\nfor (const x of [1, 2]) new A().m() + x;\n')],
  ])('on %s', (_name, code) => {
    expect(asyncRule(code)).toEqual([]);
  });
});

describe('async-generator rule through the real build', () => {
  it('fails the build and names the TypeScript module and line of the async function', async () => {
    const source = 'const base = 1;\nexport async function wait(ms: number): Promise<number> {\n  const v = await Promise.resolve(ms);\n  return v + base;\n}\nwait(3).then(function (v) { console.log(v); });\n';
    const result = await buildSource({ code: source }, 'esp32', { failOn: 'never' });
    const found = errorsOf(result.violations).filter((v) => v.rule === 'async-generator');
    expect(found).toHaveLength(1);
    expect(found[0]!.source).toMatch(/main\.ts$/);
    expect(found[0]!.sourceLine).toBe(2);
    let message = '';
    try {
      await buildSource({ code: source }, 'esp32');
    } catch (error) {
      if (!isSpruceError(error)) throw error;
      message = error.message;
    }
    expect(message).toMatch(/main\.ts:2:\d+ \[async-generator\] async function/);
  });

  it('reports each of several async functions (helpers shared, not inlined) at its own line', async () => {
    const source = 'export async function a(ms: number): Promise<number> {\n  return (await Promise.resolve(ms)) + 1;\n}\n' +
      'export class K {\n  async m(x: number): Promise<number> {\n    const y = await a(x);\n    return y * 2;\n  }\n}\n' +
      'new K().m(3).then(function (v) { console.log(v); });\n';
    const result = await buildSource({ code: source }, 'esp32', { failOn: 'never' });
    const found = result.violations.filter((v) => v.rule === 'async-generator');
    expect(found.map((v) => v.sourceLine)).toEqual([1, 5]);
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import vm from 'node:vm';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { finalPass, hoistingProblems } from './final-pass.ts';
import { shimPrologue, withoutPrologue } from './shims.ts';

/** Runs `code` in a fresh context and returns what it logged. */
function run(code: string): string[] {
  const logs: string[] = [];
  vm.runInNewContext(code, { log: (...args: unknown[]) => logs.push(args.map(String).join(' ')) });
  return logs;
}

function assertHoistedShape(code: string): void {
  // The shim comes first exactly when the code reads what it shims.
  expect(code.startsWith(shimPrologue())).toBe(withoutPrologue(code).includes('Array.prototype.slice'));
  expect(hoistingProblems(code)).toEqual([]);
}

describe('finalPass', () => {
  it('puts the shims first and hoists vars and functions in every scope', () => {
    const input = '!function(){"use strict";f();var a=1,b,c=g(a);function f(){log(Array.prototype.slice.call(arguments).length)}function g(q){var q=q+1;return q}log(a,b,c)}();';
    const { code } = finalPass(input);
    expect(code.startsWith(shimPrologue())).toBe(true);
    expect(code).toContain('"use strict";var a,b,c;function f(){');
    // The parameter q is not re-declared (Espruino might reset it); its `var` becomes an assignment.
    expect(code).toContain('function g(q){q=q+1;return q}');
    assertHoistedShape(code);
    expect(run(code)).toEqual(run(input));
  });

  it('adds the shim prologue only to code that reads a shimmed prototype path', () => {
    expect(finalPass('!function(){log([].slice.call([1,2],1))}();').code).toBe('!function(){log([].slice.call([1,2],1))}();');
    expect(finalPass('!function(){log(Array.prototype["slice"].call([1,2],1))}();').code.startsWith(shimPrologue())).toBe(true);
    expect(shimPrologue(new Set())).toBe('');
    expect(withoutPrologue(`${shimPrologue()}x();`)).toBe('x();');
  });

  it('rewrites for-init, for-in and bare declarations without breaking statements', () => {
    const input = 'function t(o){var s="";for(var i=0,n=2;i<n;i++)s+=i;for(var k in o)s+=k;if(s)var z\nreturn s+z}log(t({p:1}));';
    const { code } = finalPass(input);
    expect(code).toContain('for(i=0,n=2;i<n;i++)');
    expect(code).toContain('for(k in o)');
    expect(code).toContain('if(s);');
    assertHoistedShape(code);
    expect(run(code)).toEqual(['01pundefined']);
  });

  it('moves a function declared after its use above the use, in nested scopes too', () => {
    const input = 'function outer(){return inner();function inner(){return helper()}function helper(){return 7}}log(outer());';
    const { code } = finalPass(input);
    expect(code.indexOf('function inner')).toBeLessThan(code.indexOf('return inner()'));
    assertHoistedShape(code);
    expect(run(code)).toEqual(['7']);
  });

  it('reaches functions inside object literals, arrays and arguments', () => {
    const input = 'var o={s:function(r){return function(r){for(var n="",e=0;e<r.length;e++)n+=r[e];return n}(r)}},a=[function(){var q=1;return q}];log(o.s(["x","y"]),a[0]());';
    const { code } = finalPass(input);
    // Scopes without function declarations keep a leading var / for(var …) as their one declaration.
    expect(code).toContain('function(r){for(var n="",e=0;');
    expect(code).toContain('[function(){var q=1;return q}]');
    assertHoistedShape(code);
    expect(run(code)).toEqual(['xy 1']);
  });

  it('hoistingProblems reports what the pass must fix', () => {
    expect(hoistingProblems('f();function f(){var a=1}')).toEqual(['function f declared after other statements at 4']);
    expect(hoistingProblems('function f(){var a=1;function g(){}}')).toEqual(['initialised hoisted var at 13']);
    expect(hoistingProblems('function f(){g();var a=1}')).toEqual(['var after other statements at 17', 'initialised hoisted var at 17']);
    expect(hoistingProblems('function f(){for(var i=0;i<2;i++){var a=i}}')).toEqual(['var not hoisted at 34']);
    expect(hoistingProblems('function f(){for(var i=0;i<2;i++);function g(){}}')).toEqual(['function g declared after other statements at 34', 'var not hoisted at 17']);
    // The program's leading `var o=…` may keep its initialiser (no function declarations at the top).
    expect(hoistingProblems('var o={m:function(){if(1){var z}}};')).toEqual(['var not hoisted at 26']);
  });

  it('keeps a leading declaration in place only where nothing must run before it', () => {
    const cases: [input: string, hoisted: string, logged: string][] = [
      // No function declarations: the first var stays, other names join its front.
      ['function t(o){var s="";for(var k in o)s+=k;if(s){var z=s+"!"}return z}log(t({p:1}));', 'function t(o){var k,z,s="";for(k in o)s+=k;if(s){z=s+"!"}return z}', 'p!'],
      // A first for(var …) holds the names of the loop body too.
      ['function t(){for(var i=0,n=0;i<3;i++){var d=i*2;n+=d}return n}log(t());', 'function t(){for(var d,i=0,n=0;i<3;i++){d=i*2;n+=d}return n}', '6'],
      // A function declaration in the scope: the classic shape (initialisers would run before it).
      ['function t(){var a=g();return a;function g(){return 5}}log(t());', 'function t(){var a;function g(){return 5}a=g();return a;}', '5'],
      // A re-declared parameter is never declared again.
      ['function t(q){var q=q+1,r=2;return q+r}log(t(1));', 'function t(q){var r;q=q+1,r=2;return q+r}', '4'],
    ];
    for (const [input, hoisted, logged] of cases) {
      const { code } = finalPass(input);
      expect(code).toContain(hoisted);
      expect(run(code)).toEqual([logged]);
      assertHoistedShape(code);
    }
  });

  it('keeps a source map that points moved code at its original position', () => {
    const input = 'log(f());\nvar x=1;\nfunction f(){return 42}';
    const { code, map } = finalPass(input, 'in.js');
    const tracer = new TraceMap(map as unknown as ConstructorParameters<typeof TraceMap>[0]);
    const at = code.indexOf('return 42');
    const original = originalPositionFor(tracer, { line: 1, column: at });
    expect(original).toMatchObject({ source: 'in.js', line: 3, column: 13 });
  });

  it('preserves behaviour on generated programs that lean on hoisting', () => {
    // Programs of var assignments, function declarations (placed anywhere) and logs: V8 hoists,
    // so the original output is the reference; the pass must keep it and reach the hoisted shape.
    const statement = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 })).map(([v, n]) => `var v${v}=${n}+(typeof v${(v + 1) % 4}==="number"?v${(v + 1) % 4}:0);`),
      fc.integer({ min: 0, max: 2 }).map((f) => `function f${f}(){var l=${f};return l+(typeof v0==="number"?v0:-1)}`),
      fc.integer({ min: 0, max: 2 }).map((f) => `log(typeof f${f}==="function"?f${f}():"none");`),
      fc.integer({ min: 0, max: 3 }).map((v) => `for(var i${v}=0;i${v}<2;i${v}++)log(i${v},v${v});`),
      fc.integer({ min: 0, max: 3 }).map((v) => `log(v${v});`),
    );
    fc.assert(fc.property(fc.array(statement, { minLength: 1, maxLength: 12 }), (statements) => {
      // Declare every name once up front so reads never throw in the reference run.
      const body = `var v0,v1,v2,v3;${statements.join('')}`;
      const wrapped = `!function(){"use strict";${body}}();`;
      const { code } = finalPass(wrapped);
      assertHoistedShape(code);
      expect(run(code)).toEqual(run(wrapped));
    }), { numRuns: 150 });
  });
});

/**
 * Each dialect rule fires on a small bad input and stays quiet on the good form of the same code.
 * (Realistic TypeScript through the real pipeline is in pipeline.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { checkBundle, errorsOf, formatViolation, unsupportedRegexFeatures } from './index.ts';
import { shimPrologue } from '../shims.ts';

const rulesOf = (code: string): string[] => checkBundle(code).map((v) => v.rule);
const errors = (code: string) => errorsOf(checkBundle(code));

describe('es5-syntax', () => {
  it.each([
    ['arrow function', 'var f=()=>1;'],
    ['let', 'let a=1;'],
    ['const', 'const a=1;'],
    ['class', 'var C=class{};'],
    ['template literal', 'var s=`x${1}`;'],
    ['spread (...)', 'var a=[].concat(...[[1]]);'],
    ['rest element (...)', 'function f(...a){return a}'],
    ['default value', 'function f(a=1){return a}'],
    ['destructuring', 'var {a}={a:1};'],
    ['for…of', 'for(var x of [1]){}'],
    ['computed key', 'var o={["k"]:1};'],
    ['shorthand property', 'var a=1,o={a};'],
    ['method shorthand', 'var o={m(){}};'],
    ['exponent operator **', 'var a=2**3;'],
    ['optional chaining ?.', 'var a={},b=a?.b;'],
    ['nullish coalescing ??', 'var a=null??1;'],
    ['assignment operator ||=', 'var a;a||=1;'],
    ['async function', 'async function f(){}'],
    ['generator', 'function* g(){}'],
    ['label', 'a:for(;;){break a}'],
  ])('names %s', (construct, code) => {
    const found = checkBundle(code).filter((v) => v.rule === 'es5-syntax');
    expect(found.map((v) => v.construct)).toContain(construct);
    expect(found[0]!.severity).toBe('error');
  });

  it('reports an unparsable bundle with its position', () => {
    const [v] = checkBundle('var a = ;');
    expect(v).toMatchObject({ rule: 'es5-syntax', line: 1 });
    expect(v!.message).toMatch(/does not parse/);
  });

  it('accepts plain ES5, getters in object literals included', () => {
    expect(checkBundle('var o={get x(){return 1}},a=[1,2];for(var k in o){}var s=typeof o;').filter((v) => v.rule === 'es5-syntax')).toEqual([]);
  });
});

describe('declaration-order', () => {
  it('flags a call to a function declared later (unhoisted bundle)', () => {
    const [v] = errors('f();function f(){}');
    expect(v).toMatchObject({ rule: 'declaration-order', construct: 'f', line: 1, column: 0 });
    expect(v!.message).toMatch(/does not hoist function declarations/);
  });

  it('flags a var read before the statement that assigns it', () => {
    const [v] = errors('var a,b;a=b+1;b=2;');
    expect(v).toMatchObject({ rule: 'declaration-order', construct: 'b' });
  });

  it('follows calls into functions declared in the same scope', () => {
    const found = errors('var t;function g(){return t.x}function f(){return g()}f();t={x:1};');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/reached by calling f -> g/);
  });

  it('flags a function-valued var used before it is assigned, inside an iife body too', () => {
    expect(rulesOf('!function(){var h;h();h=function(){}}();')).toEqual(['declaration-order']);
  });

  it('stays quiet on hoisted code, deferred callbacks and the enum/namespace pattern', () => {
    const good = [
      'var a,b;function f(){return b}a=1;b=f;f();',
      'var x;setTimeout(function(){log(x)},1);x=2;',
      'var E;!function(t){t[t.A=0]="A"}(E||(E={}));',
      'function f(n){return n?f(n-1):0}f(3);',
      'var o;try{o=1}catch(e){o=e}log(o);',
    ];
    for (const code of good) expect(errors(code).filter((v) => v.rule === 'declaration-order'), code).toEqual([]);
  });
});

describe('prototype-access', () => {
  it.each([
    ['Array.prototype.map', 'var m=Array.prototype.map;', /use \[\]\.map/],
    ['String.prototype.charAt', 'var c=String.prototype.charAt.call("ab",1);', /use ""\.charAt/],
    ['Function.prototype.call', 'var c=Function.prototype.call;', /reads as undefined/],
    ['Object.prototype.propertyIsEnumerable', 'var p=Object.prototype.propertyIsEnumerable.call({},"a");', /Object has no propertyIsEnumerable/],
    ['Array.prototype.lastIndexOf', 'var l=Array.prototype.lastIndexOf;', /Espruino has no Array.prototype.lastIndexOf/],
  ])('flags %s', (construct, code, message) => {
    const [v] = errors(code);
    expect(v).toMatchObject({ rule: 'prototype-access', construct });
    expect(v!.message).toMatch(message);
  });

  it('allows the shim lines, shimmed reads, instance forms and Object built-ins', () => {
    const code = `${shimPrologue()}var a=Array.prototype.slice.call([1,2],1),b=[].map,c="x".charAt(0),d=Object.prototype.hasOwnProperty.call({},"a");`;
    expect(errors(code)).toEqual([]);
  });

  it('flags a shimmed read when the bundle lacks the shim', () => {
    const [v] = errors('var a=Array.prototype.slice.call([1,2],1);');
    expect(v).toMatchObject({ rule: 'prototype-access', construct: 'Array.prototype.slice' });
  });

  it('does not confuse a local named Array with the global', () => {
    expect(errors('function f(Array){return Array.prototype.map}f({prototype:{}});')).toEqual([]);
  });
});

describe('regex', () => {
  it.each([
    ['/colou?r/', '? quantifier'],
    ['/a{2,3}/', '{n,m} counted quantifier'],
    ['/(?:ab)+/', '(?: non-capturing group'],
    ['/a(?=b)/', '(?= lookahead'],
    ['/a(?!b)/', '(?! negative lookahead'],
    ['/(?<=a)b/', '(?<= lookbehind'],
    ['/(?<!a)b/', '(?<! negative lookbehind'],
    ['/\\bword/', '\\b word boundary'],
    ['/a+?/', '? quantifier'],
  ])('flags %s', (literal, feature) => {
    const [v] = errors(`var r=${literal};`);
    expect(v).toMatchObject({ rule: 'regex', severity: 'error' });
    expect(v!.message).toContain(feature);
  });

  it('checks constant patterns given to RegExp and new RegExp', () => {
    expect(errors('var r=new RegExp("a?");').map((v) => v.rule)).toEqual(['regex']);
    expect(errors('var r=RegExp("x{1,2}");').map((v) => v.rule)).toEqual(['regex']);
  });

  it('only warns on plain regexes and ignores look-alikes inside classes and escapes', () => {
    const found = checkBundle('var r=/[?{}(]a\\?b\\{1\\}[\\b]/;');
    expect(found.map((v) => [v.rule, v.severity])).toEqual([['regex', 'warning']]);
    expect(unsupportedRegexFeatures('[?]\\?\\(?')).toEqual(['? quantifier']);
  });
});

describe('globals', () => {
  it.each([
    ['Map', 'var m=new Map();', 'Espruino has no Map'],
    ['Symbol', 'var s=Symbol("x");', 'Espruino has no Symbol'],
    ['Array.from', 'var a=Array.from([1]);', 'Espruino has no Array.from'],
    ['Math.imul', 'var a=Math.imul(2,3);', 'Espruino has no Math.imul'],
    ['Number.isInteger', 'var a=Number.isInteger(2);', 'Espruino has no Number.isInteger'],
    ['Object.freeze', 'var a=Object.freeze({});', 'Espruino has no Object.freeze'],
    ['Promise.prototype.finally', 'var f=Promise.prototype.finally;', 'Espruino has no Promise.prototype.finally'],
    ['nonsense', 'var a=nonsense+1;', 'nonsense is not an Espruino global'],
    ['leaked', 'leaked=1;', 'assignment to undeclared global leaked'],
  ])('flags %s', (construct, code, message) => {
    const [v] = errors(code);
    expect(v).toMatchObject({ rule: 'globals', construct });
    expect(v!.message).toContain(message);
  });

  it('accepts Espruino globals, typeof probes and locals that shadow missing globals', () => {
    const code = 'var t=getTime(),x=E.sum(new Float32Array(2)),p=typeof Map,q=require("Storage");function f(Map){return new Map()}D2.set();';
    expect(errors(code)).toEqual([]);
  });
});

describe('formatViolation', () => {
  it('names the bundle position when there is no source map', () => {
    const [v] = checkBundle('var m=new Map();');
    expect(formatViolation(v!)).toBe('bundle:1:11 [globals] Espruino has no Map');
  });
});

describe('the guard looks everywhere', () => {
  it('finds problems inside object literal values, array elements and call arguments', () => {
    const code = 'var o={m:function(){return new Map()}},a=[function(){return /a?/}];setTimeout(function(){return Array.from([])},1);';
    expect(errors(code).map((v) => v.construct)).toEqual(['Map', '/a?/', 'Array.from']);
  });
});

describe('feature probes', () => {
  it('ignores code that a failing typeof probe of a missing feature skips', () => {
    const quiet = [
      '"function"==typeof Symbol&&(g[Symbol.iterator]=1);',
      'var x=typeof Symbol==="function"?Symbol("a"):0;',
      'var y=typeof Symbol!=="function"?0:Symbol("a");',
      'var o={};if(null!=o&&typeof Object.getOwnPropertySymbols==="function"){Object.getOwnPropertySymbols(o);Object.prototype.propertyIsEnumerable.call(o,"a")}',
      'var P=Object.create((typeof Iterator==="function"?Iterator:Object).prototype);',
    ];
    for (const code of quiet) expect(errors(code), code).toEqual([]);
  });

  it('still reports code that runs: inverted probes and probes of features Espruino has', () => {
    expect(errors('var x=typeof Symbol!=="function"?Symbol("a"):0;').map((v) => v.construct)).toEqual(['Symbol']);
    expect(errors('var m=typeof E==="object"&&new Map();').map((v) => v.construct)).toEqual(['Map']);
    expect(errors('var s=typeof Symbol==="function"||Symbol("a");').map((v) => v.construct)).toEqual(['Symbol']);
  });
});

describe('extends-error', () => {
  it('flags a TypeScript class that extends Error, after terser too', () => {
    const tsOutput = 'function n(){}var E=function(t){function r(){return t.call(this,"x")||this}return n(r,t),r}(Error);';
    expect(errors(tsOutput).map((v) => [v.rule, v.construct])).toEqual([['extends-error', 'extends Error']]);
  });

  it('stays quiet on plain uses of Error', () => {
    expect(errors('var e=new Error("x"),f=function(E){return E}(Error);try{throw e}catch(x){}').filter((v) => v.rule === 'extends-error')).toEqual([]);
  });
});

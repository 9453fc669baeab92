/**
 * The Espruino typings (espruino.d.ts) under firmware/tsconfig.json must accept what the board
 * has and reject what it lacks, so a missing global fails at type-check time, not on the board.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const firmwareDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'spruce-typings-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function compilerOptions(): ts.CompilerOptions {
  const configPath = join(firmwareDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, firmwareDir, undefined, configPath).options;
}
const options = compilerOptions();

/** Type errors of one snippet compiled as device code (ES5 lib + espruino.d.ts). */
function errorsOf(source: string): string[] {
  const file = join(work, `snippet${Math.random().toString(36).slice(2)}.ts`);
  // print(...) uses every snippet's variable so "declared but never read" cannot mask the verdict.
  writeFileSync(file, `export {};\n${source}\n`);
  const program = ts.createProgram([file, join(firmwareDir, 'hal', 'espruino.d.ts')], options);
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .filter((d) => d.code !== 6133)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('firmware typings (firmware/hal/espruino.d.ts)', () => {
  it('accepts what Espruino has', () => {
    expect(errorsOf(`
      var storage = require('Storage');
      var text: string | undefined = storage.read('spruce.dev');
      storage.write('a', 'x', 0, 16);
      var sha = require('crypto').SHA256;
      var digest: ArrayBuffer | undefined = sha ? sha('abc') : undefined;
      var total: number = E.sum(new Float32Array(4)) + E.variance([1, 2], 1.5) + E.convolve([1], [2], 0);
      E.mapInPlace(new Uint8Array(2), new Uint8Array(2), [0, 1]);
      E.FFT(new Float64Array(8));
      var flags: string[] = E.getErrorFlags();
      ESP32.deepSleep(1000);
      var cause: number = ESP32.getWakeupCause();
      I2C1.setup({ scl: D22, sda: D21 });
      I2C1.writeTo(0x62, [0x21, 0x9d]);
      var bytes: Uint8Array = I2C1.readFrom(0x62, 9);
      var free: number = process.memory().free + getTime() + analogRead(D34);
      print([1, 2].includes(2), [1].find(function (x) { return x > 0; }), [1].findIndex(function (x) { return x > 0; }), [0, 0].fill(1));
      print(Object.assign({}, { a: 1 }), Object.keys({}), Object.values({ a: 1 }), Object.entries({ a: 1 }), 'a'.padStart(3, '0'));
      setTimeout(function () { console.log(text, digest, total, flags, cause, bytes, free); }, 10);
      Promise.resolve(1).then(function (x) { return x + 1; });
      global.ack = function () { return true; };
    `)).toEqual([]);
  });

  // Members lib ES5 itself declares (Object.freeze/seal/isFrozen, Array#lastIndexOf,
  // ArrayBuffer#slice, Date.UTC) cannot be removed by a declaration file: the build's dialect
  // guard (host/build/guard, MISSING_MEMBERS) rejects those in the bundle instead.
  const missing: [string, string, string][] = [
    ['Map', 'print(new Map());', "Cannot find name 'Map'"],
    ['Set', 'print(new Set());', "Cannot find name 'Set'"],
    ['Symbol', 'print(Symbol("x"));', "'Symbol' only refers to a type"],
    ['Array.from', 'print(Array.from([1]));', "Property 'from' does not exist"],
    ['Array.of', 'print(Array.of(1));', "Property 'of' does not exist"],
    ['Math.imul', 'print(Math.imul(2, 3));', "Property 'imul' does not exist"],
    ['Math.trunc', 'print(Math.trunc(2.5));', "Property 'trunc' does not exist"],
    ['Number.isInteger', 'print(Number.isInteger(2));', "Property 'isInteger' does not exist"],
    ['Object.is', 'print(Object.is(1, 1));', "Property 'is' does not exist"],
    ['Promise.race', 'print(Promise.race([]));', "Property 'race' does not exist"],
    ['Array#flat', 'print([[1]].flat());', "Property 'flat' does not exist"],
    ['String#padEnd', 'print("a".padEnd(2));', "Property 'padEnd' does not exist"],
    ['a module Espruino does not have', 'print(require("fs"));', 'No overload matches this call'],
    ['Node globals', 'print(Buffer.from("x"), process.argv);', "Cannot find name 'Buffer'"],
    ['WeakMap', 'print(new WeakMap());', "Cannot find name 'WeakMap'"],
  ];
  for (const [what, source, message] of missing) {
    it(`rejects ${what}`, () => {
      const errors = errorsOf(source);
      expect(errors.join('\n')).toContain(message);
    });
  }
});

/**
 * The real pipeline end to end (TypeScript -> rollup iife -> terser -> final pass -> guard):
 * realistic TypeScript must give zero violations and behave exactly as under Node; violations
 * and type errors must name the TypeScript module and line they come from.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import vm from 'node:vm';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { buildSource, bundleEntry, checkBundle } from './index.ts';
import { shimPrologue } from './shims.ts';
import { isSpruceError } from '../errors.ts';

const fixtures = join(projectRoot(), 'host', 'build', 'fixtures');

function runBundle(code: string): string[] {
  const logs: string[] = [];
  vm.runInNewContext(code, { console: { log: (...args: unknown[]) => logs.push(args.map(String).join(' ')) } });
  return logs;
}

async function expectBuildError(promise: Promise<unknown>): Promise<{ code: string; message: string; exit: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSpruceError(error)) return { code: error.code, message: error.message, exit: error.exit };
    throw error;
  }
  throw new Error('the build was expected to fail');
}

describe('pipeline on realistic TypeScript', () => {
  it('compiles classes, inheritance, enums, namespaces, for-let closures, typed arrays and rest/spread with zero violations, same output as Node', async () => {
    const entry = join(fixtures, 'apps', 'zoo', 'main.ts');
    const result = await buildSource({ entry }, 'esp32', { failOn: 'never' });
    expect(result.violations).toEqual([]);
    expect(result.code.startsWith(shimPrologue())).toBe(true);
    // The reference: the same TypeScript run directly by Node (through tsx).
    const expected = execFileSync(process.execPath, [join(projectRoot(), 'bin', 'run-ts.mjs'), entry], { encoding: 'utf8' }).trim();
    expect(runBundle(result.code)).toEqual([expected]);
    expect(result.bytes).toBe(Buffer.byteLength(result.code));
    expect(result.jsVarsEstimate).toBe(Math.ceil(result.bytes / 10));
  });

  it('emits no sourceMappingURL comment and keeps the bundle ES5-parseable', async () => {
    const { code, map } = await bundleEntry(join(fixtures, 'apps', 'hello', 'main.ts'));
    expect(code).not.toContain('sourceMappingURL');
    expect(checkBundle(code, { sourcemap: map })).toEqual([]);
    expect(map.sources).toContain('host/build/fixtures/apps/hello/main.ts');
  });

  it('bundles in-memory TypeScript that imports real firmware modules', async () => {
    const wire = join(projectRoot(), 'firmware', 'core', 'wire.ts').replace(/\.ts$/, '');
    const result = await buildSource({
      code: `import { formatFrame, splitFrame } from '${wire}';\nconst line = formatFrame('{"k":"r"}', new Array(65).join('a'));\nconst split = splitFrame(line);\nconsole.log(split === null ? 'bad' : split.json);\n`,
    }, 'virtual');
    expect(result.violations.filter((v) => v.severity === 'error')).toEqual([]);
    expect(runBundle(result.code)).toEqual(['{"k":"r"}']);
  });
});

describe('errors name their source module', () => {
  it('maps a regex violation back to the module and line', async () => {
    const error = await expectBuildError(buildSource({ entry: join(fixtures, 'sources', 'uses-regex.ts') }, 'esp32'));
    expect(error).toMatchObject({ code: 'E_BUILD_DIALECT', exit: 'BUILD' });
    expect(error.message).toMatch(/host\/build\/fixtures\/sources\/uses-regex\.ts:3:\d+ \[regex\].*\{n,m\}/);
  });

  it('names the imported module, not the entry, when the problem is in an import', async () => {
    const imported = join(fixtures, 'sources', 'uses-missing.ts').replace(/\.ts$/, '');
    const result = await buildSource({ code: `import { table } from '${imported}';\ntable();\n` }, 'esp32', { failOn: 'never' });
    const map = result.violations.find((v) => v.construct === 'Map');
    expect(map).toMatchObject({ rule: 'globals', source: 'host/build/fixtures/sources/uses-missing.ts', sourceLine: 5 });
  });

  it('fails on type errors with file:line and the TypeScript code', async () => {
    const error = await expectBuildError(buildSource({ code: 'const n: number = 1;\nconst label: string = n;\nconsole.log(label);\n' }, 'esp32'));
    expect(error).toMatchObject({ code: 'E_BUILD_TYPES', exit: 'BUILD' });
    expect(error.message).toMatch(/main\.ts:2:7 TS2322: Type 'number' is not assignable to type 'string'/);
  });

  it('rejects `class extends Error` compiled by TypeScript, naming the line', async () => {
    const error = await expectBuildError(buildSource({ code: 'export class Oops extends Error {\n  code = 1;\n}\nconsole.log(new Oops("x").code);\n' }, 'esp32'));
    expect(error.message).toMatch(/main\.ts:1:\d+ \[extends-error\]/);
  });

  it('rejects what lib ES5 lacks at type-check time (Map), before the guard', async () => {
    const error = await expectBuildError(buildSource({ code: 'const m = new Map<string, number>();\nconsole.log(m);\n' }, 'esp32'));
    expect(error.code).toBe('E_BUILD_TYPES');
    expect(error.message).toMatch(/main\.ts:1:\d+ TS2583/);
  });
});

describe('imports', () => {
  it('fails on an import that does not resolve, relative or bare, instead of reading a global', async () => {
    const relative = await expectBuildError(buildSource({ code: "// @ts-ignore: missing on purpose\nimport { x } from './nowhere';\nconsole.log(x);\n" }, 'esp32'));
    expect(relative).toMatchObject({ code: 'E_BUILD_BUNDLE', exit: 'BUILD' });
    expect(relative.message).toMatch(/nowhere/);
    const bare = await expectBuildError(buildSource({ code: "// @ts-ignore: missing on purpose\nimport { x } from 'no-such-package';\nconsole.log(x);\n" }, 'esp32'));
    expect(bare).toMatchObject({ code: 'E_BUILD_IMPORT', exit: 'BUILD' });
    expect(bare.message).toMatch(/no-such-package/);
  });
});

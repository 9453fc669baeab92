/**
 * buildApp / buildAll / listApps and the manifest that the virtual board and the flasher read,
 * on the fixture apps (host/build/fixtures/apps), writing into temp folders only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { isSpruceError } from '../errors.ts';
import { buildAll, buildApp, listApps, readBuildManifest, bundlePathOf, manifestPath } from './index.ts';
import { loadApp } from './apps.ts';

const fixtureApps = join(projectRoot(), 'host', 'build', 'fixtures', 'apps');
let temp: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'spruce-build-test-'));
});
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; exit: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isSpruceError(error)) return { code: error.code, exit: error.exit, message: error.message };
    throw error;
  }
  throw new Error('expected a SpruceError');
}

function writeApp(dir: string, name: string, main: string, manifest: unknown): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'main.ts'), main);
  writeFileSync(join(dir, name, 'app.json'), JSON.stringify(manifest));
}

describe('buildApp', () => {
  it('writes the bundle, its map and a manifest that readBuildManifest returns', async () => {
    const outDir = join(temp, 'out-hello');
    const result = await buildApp({ board: 'virtual', app: 'hello', outDir, appsDir: fixtureApps });
    const manifest = readBuildManifest('virtual', 'hello', outDir);
    expect(manifest).toEqual(result.manifest);
    const bundle = readFileSync(bundlePathOf(manifest, manifestPath('virtual', 'hello', outDir)));
    expect(manifest).toMatchObject({ app: 'hello', board: 'virtual', bundle: 'hello.js', bytes: bundle.length });
    expect(manifest.sha256).toBe(createHash('sha256').update(bundle).digest('hex'));
    expect(manifest.jsVarsEstimate).toBe(Math.ceil(bundle.length / 10));
    const greeting = join(fixtureApps, 'hello', 'greeting.txt');
    expect(manifest.storage).toEqual([{
      name: 'greeting.txt', path: greeting, bytes: readFileSync(greeting).length,
      sha256: createHash('sha256').update(readFileSync(greeting)).digest('hex'),
    }]);
    expect(JSON.parse(readFileSync(join(outDir, 'hello.js.map'), 'utf8')).sources).toContain('host/build/fixtures/apps/hello/main.ts');
    expect(result.report).toMatchObject({ jsVarBudget: 16383 - 47, storageFileBytes: manifest.storage[0]!.bytes });
  });

  it('fails over budget when the Storage files do not fit the board', async () => {
    const apps = join(temp, 'apps-big');
    const blob = join(temp, 'big.bin');
    writeFileSync(blob, Buffer.alloc(1024 * 1024));
    writeApp(apps, 'big', 'console.log(1);\n', { name: 'big', summary: 'too big', storage: { 'model.bin': blob } });
    const error = await failure(buildApp({ board: 'esp32', app: 'big', outDir: join(temp, 'out-big'), appsDir: apps }));
    expect(error).toMatchObject({ code: 'E_BUILD_OVER_BUDGET', exit: 'BUILD' });
    expect(error.message).toMatch(/Storage files plus bundle take \d+ bytes but esp32 has 917504/);
  });

  it('fails on a dialect violation, naming the module and writing nothing', async () => {
    const apps = join(temp, 'apps-regex');
    mkdirSync(join(apps, 'rx'), { recursive: true });
    cpSync(join(projectRoot(), 'host', 'build', 'fixtures', 'sources', 'uses-regex.ts'), join(apps, 'rx', 'main.ts'));
    writeFileSync(join(apps, 'rx', 'app.json'), JSON.stringify({ name: 'rx', summary: 'regex' }));
    const outDir = join(temp, 'out-rx');
    const error = await failure(buildApp({ board: 'esp32', app: 'rx', outDir, appsDir: apps }));
    expect(error).toMatchObject({ code: 'E_BUILD_DIALECT', exit: 'BUILD' });
    expect(error.message).toMatch(/rx\/main\.ts:3:\d+ \[regex\]/);
    expect(() => readBuildManifest('esp32', 'rx', outDir)).toThrow(/no build manifest/);
  });

  it('names the missing Storage file and the unknown app', async () => {
    const apps = join(temp, 'apps-missing');
    writeApp(apps, 'lost', 'console.log(1);\n', { name: 'lost', summary: 'x', storage: { 'm.bin': 'no/such/file.bin' } });
    expect(await failure(buildApp({ board: 'esp32', app: 'lost', appsDir: apps, outDir: join(temp, 'o') }))).toMatchObject({ code: 'E_APP_STORAGE_MISSING', exit: 'BAD_INPUT' });
    expect(await failure(buildApp({ board: 'esp32', app: 'ghost', appsDir: apps }))).toMatchObject({ code: 'E_APP_UNKNOWN', exit: 'USAGE' });
    expect(await failure(buildApp({ board: 'nosuchboard', app: 'lost', appsDir: apps }))).toMatchObject({ code: 'E_BOARD_UNKNOWN' });
  });
});

describe('buildAll and listApps', () => {
  it('lists and builds every fixture app in name order', async () => {
    expect(listApps(fixtureApps)).toEqual(['hello', 'zoo']);
    const seen: string[] = [];
    const results = await buildAll({ board: 'esp32', appsDir: fixtureApps, outDir: join(temp, 'out-all'), onApp: (app) => seen.push(app) });
    expect(seen).toEqual(['hello', 'zoo']);
    expect(results.map((r) => [r.app, r.violations.length])).toEqual([['hello', 0], ['zoo', 0]]);
  });
});

describe('app.json validation', () => {
  it.each([
    [{ name: 'other', summary: 's' }, /"name" must be "v"/],
    [{ name: 'v' }, /"summary" must be a non-empty string/],
    [{ name: 'v', summary: 's', storage: [] }, /"storage" must be an object/],
    [{ name: 'v', summary: 's', storage: { 'a-name-that-is-far-too-long-for-espruino.bin': 'x' } }, /1-28 characters/],
    [{ name: 'v', summary: 's', storage: { '.bootcde': 'x' } }, /reserved/],
  ])('rejects %j', (manifest, message) => {
    const apps = join(temp, `apps-v-${Math.random().toString(36).slice(2)}`);
    writeApp(apps, 'v', '', manifest);
    expect(() => loadApp('v', apps)).toThrow(message);
  });

  it('reports a missing main.ts', () => {
    const apps = join(temp, 'apps-noentry');
    mkdirSync(join(apps, 'x'), { recursive: true });
    writeFileSync(join(apps, 'x', 'app.json'), JSON.stringify({ name: 'x', summary: 's' }));
    expect(() => loadApp('x', apps)).toThrow(/has no entry file/);
  });
});

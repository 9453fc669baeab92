/** rollup.config.mjs gives the same guarded bundle as `spruce build` (run through rollup's own CLI). */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';
import { buildSource } from './index.ts';

const temp = mkdtempSync(join(tmpdir(), 'spruce-rollup-config-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function rollupCli(environment: string) {
  const bin = join(projectRoot(), 'node_modules', 'rollup', 'dist', 'bin', 'rollup');
  return spawnSync(process.execPath, [bin, '-c', 'rollup.config.mjs', '--silent', '--environment', environment], { cwd: projectRoot(), encoding: 'utf8' });
}

describe('rollup.config.mjs', () => {
  it('builds an app exactly like buildSource', async () => {
    const apps = join(projectRoot(), 'host', 'build', 'fixtures', 'apps');
    const run = rollupCli(`APP:zoo,BOARD:virtual,APPS_DIR:${apps},OUT_DIR:${temp}`);
    expect(run.status, run.stderr).toBe(0);
    const viaApi = await buildSource({ entry: join(apps, 'zoo', 'main.ts') }, 'virtual');
    expect(readFileSync(join(temp, 'zoo.js'), 'utf8')).toBe(viaApi.code);
  });

  it('fails when the dialect guard finds an error', () => {
    const apps = join(temp, 'apps');
    mkdirSync(join(apps, 'bad'), { recursive: true });
    writeFileSync(join(apps, 'bad', 'main.ts'), 'console.log(/(?:a)/.test("a"));\n');
    writeFileSync(join(apps, 'bad', 'app.json'), JSON.stringify({ name: 'bad', summary: 'regex' }));
    const run = rollupCli(`APP:bad,BOARD:virtual,APPS_DIR:${apps},OUT_DIR:${join(temp, 'bad-out')}`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/\[regex\].*\(\?: non-capturing group/);
  });
});

/** `spruce build` as a user runs it: the real CLI in a child process, fixture apps, temp output. */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../paths.ts';

const temp = mkdtempSync(join(tmpdir(), 'spruce-build-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function spruce(...args: string[]) {
  return spawnSync(process.execPath, [join(projectRoot(), 'bin', 'spruce.mjs'), ...args], { encoding: 'utf8', cwd: temp });
}

describe('spruce build', () => {
  it('builds every app, prints JSON with sizes and budgets, writes manifests', () => {
    const out = join(temp, 'out');
    const run = spruce('build', '--board', 'esp32', '--apps', join(projectRoot(), 'host', 'build', 'fixtures', 'apps'), '--out', out, '--json');
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.board).toBe('esp32');
    expect(report.failures).toEqual([]);
    expect(report.apps.map((a: { app: string }) => a.app)).toEqual(['hello', 'zoo']);
    for (const app of report.apps) {
      expect(app.jsVarsEstimate).toBe(Math.ceil(app.bytes / 10));
      expect(app.jsVarBudget).toBe(16336);
      expect(existsSync(app.manifest)).toBe(true);
    }
    expect(run.stderr).toMatch(/\[2\/2\] zoo for esp32 \.\.\. ok/);
  });

  it('exits 4 (BUILD) with the violation and its module when an app breaks the dialect', () => {
    const apps = join(temp, 'apps');
    mkdirSync(join(apps, 'bad'), { recursive: true });
    writeFileSync(join(apps, 'bad', 'main.ts'), 'const words = "a b".split(/ +?/);\nconsole.log(words.length);\n');
    writeFileSync(join(apps, 'bad', 'app.json'), JSON.stringify({ name: 'bad', summary: 'regex' }));
    const run = spruce('build', '--board', 'esp32', '--apps', apps, '--out', join(temp, 'out-bad'));
    expect(run.status).toBe(4);
    expect(run.stderr).toMatch(/E_BUILD_DIALECT/);
    expect(run.stderr).toMatch(/bad\/main\.ts:1:\d+ \[regex\].*\? quantifier/);
  });

  it('exits 2 (USAGE) naming the boards when the board is unknown', () => {
    const run = spruce('build', '--board', 'nosuch');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/choose one of: .*esp32/);
  });
});

/**
 * Dialect lint of the real firmware: every app under firmware/apps builds clean for each
 * physical board, and every firmware module (core and hal, all exports kept alive) passes the
 * dialect guard even before an app uses it. Type-checking firmware/ is done by .ci/test.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../paths.ts';
import { listApps, loadApp } from './apps.ts';
import { buildSource } from './index.ts';
import { errorsOf, formatViolation } from './guard/index.ts';
import { hoistingProblems } from './final-pass.ts';

const firmware = join(projectRoot(), 'firmware');

function firmwareModules(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) found.push(full);
    }
  };
  for (const part of ['core', 'hal']) walk(join(firmware, part));
  return found.sort();
}

describe('firmware dialect', () => {
  const apps = listApps();
  it.each(apps.length > 0 ? apps : ['(none yet)'])('app %s builds clean for esp32', async (app) => {
    if (app === '(none yet)') return;
    const result = await buildSource({ entry: loadApp(app).entry }, 'esp32', { failOn: 'never' });
    expect(errorsOf(result.violations).map(formatViolation)).toEqual([]);
    expect(hoistingProblems(result.code)).toEqual([]);
  });

  it('every firmware/core and firmware/hal module passes the guard with all exports kept', async () => {
    const modules = firmwareModules();
    // `import * as` plus a use keeps every export alive through tree-shaking, so code no app
    // calls yet is checked too.
    const code = modules.map((m, i) => `import * as m${i} from '${m.replace(/\.ts$/, '')}';`).join('\n')
      + `\nconsole.log([${modules.map((_, i) => `m${i}`).join(', ')}].length);\n`;
    const result = await buildSource({ code }, 'esp32', { failOn: 'never' });
    const problems = errorsOf(result.violations).map(formatViolation);
    expect(problems, `modules: ${modules.map((m) => relative(projectRoot(), m)).join(', ')}`).toEqual([]);
  });
});

/**
 * What rollup.config.mjs exports: the same pipeline as `spruce build`, plus the dialect guard
 * as a plugin, so `npx rollup -c --environment APP:<name>,BOARD:<id>` gives the same bundle.
 * (`spruce build` adds the size report and the manifest; prefer it.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plugin, RollupOptions } from 'rollup';
import { loadBoard } from '../boards.ts';
import { distDir } from '../paths.ts';
import { loadApp } from './apps.ts';
import { writeBuildTsconfig } from './bundle.ts';
import { checkBundle, errorsOf, formatViolation } from './guard/index.ts';
import { pipelineInputOptions, pipelineOutputOptions } from './rollup-options.ts';

export function rollupConfigFor(app: string, board: string, appsFolder?: string, outDir?: string): RollupOptions {
  const { entry } = appsFolder ? loadApp(app, appsFolder) : loadApp(app);
  const workDir = mkdtempSync(join(tmpdir(), 'spruce-rollup-'));
  process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const pipeline = {
    entry, tsconfig: writeBuildTsconfig(entry, workDir), outFile: join(outDir ?? join(distDir(), board), `${app}.js`),
    boardPins: loadBoard(board).pins,
  };
  const output = pipelineOutputOptions(pipeline);
  return {
    ...pipelineInputOptions(pipeline),
    output: { ...output, plugins: [...(output.plugins as Plugin[]), dialectGuardPlugin()] },
  };
}

/** Fails the rollup build on dialect errors (warnings are printed). */
export function dialectGuardPlugin(): Plugin {
  return {
    name: 'spruce-dialect-guard',
    generateBundle(_options, bundle) {
      for (const item of Object.values(bundle)) {
        if (item.type !== 'chunk') continue;
        const violations = checkBundle(item.code, item.map ? { sourcemap: item.map as never } : {});
        for (const v of violations) if (v.severity === 'warning') this.warn(formatViolation(v));
        const errors = errorsOf(violations);
        if (errors.length > 0) this.error(`dialect guard:\n${errors.map(formatViolation).join('\n')}`);
      }
    },
  };
}

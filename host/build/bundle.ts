/**
 * bundleEntry: one TypeScript entry file -> one ES5 bundle (code + source map), through the
 * pipeline of rollup-options.ts. Type errors fail the bundle with TypeScript's diagnostics.
 *
 * Each build compiles with a throwaway tsconfig that extends firmware/tsconfig.json but lists
 * only the entry (its imports follow) and the firmware's ambient typings (*.d.ts, e.g.
 * hal/espruino.d.ts). So one app's type errors never fail another app, and a test can bundle a
 * temp file that lives outside firmware/ with the very same options and typings.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, isAbsolute } from 'node:path';
import { rollup, type RollupLog } from 'rollup';
import { SpruceError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import type { BuildBoardPins } from './board-module.ts';
import { pipelineInputOptions, pipelineOutputOptions } from './rollup-options.ts';

export interface RawSourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

export interface BundleResult {
  /** The final ES5 bundle (shims + hoisted, minified code). */
  code: string;
  /** Source map from `code` back to the TypeScript sources (paths relative to the project root). */
  map: RawSourceMap;
  /** Absolute paths of the modules that went into the bundle. */
  modules: string[];
  /** Rollup's non-fatal warnings (e.g. a circular import), for the build to show. */
  warnings: string[];
}

export interface BundleOptions {
  /** Board id, used in messages. */
  board?: string;
  /** The board's pins (boards/<id>.json `pins`), baked in by the build (board-module.ts). */
  boardPins?: BuildBoardPins;
  /** Where the bundle is meant to be written (names the map); defaults to a temp name. */
  outFile?: string;
}

export function firmwareDir(): string {
  return join(projectRoot(), 'firmware');
}

export function firmwareTsconfig(): string {
  return join(firmwareDir(), 'tsconfig.json');
}

/** Ambient declaration files of the firmware (the Espruino typings), visible to every build. */
export function ambientTypings(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.d.ts')) found.push(full);
    }
  };
  if (existsSync(firmwareDir())) walk(firmwareDir());
  return found.sort();
}

/**
 * Writes `<dir>/tsconfig.json` for one entry: firmware/tsconfig.json's options, but only the
 * entry (imports follow) and the ambient typings as roots. Returns its path.
 */
export function writeBuildTsconfig(entry: string, dir: string): string {
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: firmwareTsconfig(),
    // The plugin forces importHelpers; point the checker at the project's tslib so entries
    // outside the project (temp files in tests) resolve it too.
    // moduleDetection "force": an entry without import/export is still a module, so its
    // helpers (__rest, __awaiter, ...) are imported from tslib rather than referenced as globals
    // (the plugin forces noEmitHelpers).
    compilerOptions: {
      paths: { tslib: [join(projectRoot(), 'node_modules', 'tslib', 'tslib.d.ts')] },
      moduleDetection: 'force',
    },
    files: [resolve(entry), ...ambientTypings()],
    include: [],
  }));
  return tsconfig;
}

interface TypeDiagnostic {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Bundles one entry. Throws SpruceError E_BUILD_TYPES (exit BUILD) on type errors. */
export async function bundleEntry(entry: string, options: BundleOptions = {}): Promise<BundleResult> {
  const entryPath = resolve(entry);
  if (!existsSync(entryPath)) {
    throw new SpruceError('E_BUILD_ENTRY', `entry file ${entryPath} does not exist`, {
      hint: 'an app needs firmware/apps/<name>/main.ts', exit: 'BAD_INPUT',
    });
  }
  const workDir = mkdtempSync(join(tmpdir(), 'spruce-build-'));
  const tsconfig = writeBuildTsconfig(entryPath, workDir);
  const outFile = options.outFile ? resolve(options.outFile) : join(workDir, 'bundle.js');
  const diagnostics: TypeDiagnostic[] = [];
  const otherWarnings: string[] = [];
  const unresolved: string[] = [];
  try {
    const bundle = await rollup({
      ...pipelineInputOptions({ entry: entryPath, tsconfig, outFile, boardPins: options.boardPins }),
      onLog(level, log: RollupLog) {
        if (level !== 'warn') return;
        if (log.plugin === 'typescript' && log.pluginCode?.toString().startsWith('TS')) {
          diagnostics.push({
            code: String(log.pluginCode),
            message: log.message.replace(/^.*?TS\d+: /, ''),
            file: log.loc?.file, line: log.loc?.line, column: log.loc?.column,
          });
        } else if (log.code === 'UNRESOLVED_IMPORT') {
          // In an iife an unresolved import silently becomes a global read; on the device it
          // would be undefined, so it is fatal here.
          unresolved.push(log.message);
        } else {
          otherWarnings.push(log.message);
        }
      },
    });
    try {
      if (diagnostics.length > 0) throw typeError(diagnostics, options.board);
      if (unresolved.length > 0) {
        throw new SpruceError('E_BUILD_IMPORT', `unresolved import${unresolved.length === 1 ? '' : 's'}:\n${unresolved.map((m) => `  ${m}`).join('\n')}`, {
          hint: 'firmware imports are relative paths without extension; Espruino modules are reached with require("Storage") and friends, not import',
          exit: 'BUILD',
        });
      }
      const { output } = await bundle.generate({
        ...pipelineOutputOptions({ entry: entryPath, tsconfig, outFile }),
        // Sources relative to the project root read well in messages ("firmware/core/wire.ts").
        sourcemapPathTransform: (relativePath, mapPath) => toProjectPath(resolve(dirname(mapPath), relativePath)),
      });
      const chunk = output.find((item) => item.type === 'chunk');
      if (!chunk || chunk.type !== 'chunk' || !chunk.map) throw new SpruceError('E_BUILD_INTERNAL', 'rollup produced no chunk');
      const map = chunk.map;
      return {
        code: chunk.code,
        map: { version: 3, file: map.file, sources: map.sources, sourcesContent: map.sourcesContent, names: map.names, mappings: map.mappings },
        modules: chunk.moduleIds.filter((id) => isAbsolute(id)),
        warnings: otherWarnings,
      };
    } finally {
      await bundle.close();
    }
  } catch (error) {
    if (error instanceof SpruceError) throw error;
    if (diagnostics.length > 0) throw typeError(diagnostics, options.board);
    const err = error as { message?: string; loc?: { file?: string; line?: number; column?: number }; id?: string };
    const where = err.loc?.file ? ` (${toProjectPath(err.loc.file)}:${err.loc.line}:${err.loc.column})` : err.id ? ` (${toProjectPath(err.id)})` : '';
    throw new SpruceError('E_BUILD_BUNDLE', `bundling ${toProjectPath(entryPath)} failed: ${err.message ?? String(error)}${where}`, {
      hint: 'fix the module named above; firmware imports go without extension (`./x`, not `./x.ts`)',
      exit: 'BUILD', cause: error,
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** A path relative to the project root when inside it, else absolute. */
export function toProjectPath(path: string): string {
  const rel = relative(projectRoot(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function typeError(diagnostics: TypeDiagnostic[], board: string | undefined): SpruceError {
  const lines = diagnostics.map((d) => {
    const where = d.file ? `${toProjectPath(d.file)}:${d.line ?? 0}:${d.column ?? 0}` : '(project)';
    return `  ${where} ${d.code}: ${d.message}`;
  });
  return new SpruceError(
    'E_BUILD_TYPES',
    `firmware does not type-check${board ? ` for ${board}` : ''} (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    { hint: 'fix the TypeScript errors above (firmware/tsconfig.json: ES5 library plus the Espruino typings)', exit: 'BUILD' },
  );
}

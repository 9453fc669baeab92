/**
 * The build's programmatic API (used by `spruce build`, the virtual board, the flasher, tests):
 *
 *   buildApp({board, app})      one app -> dist/<board>/<app>.js + .js.map + .manifest.json
 *   buildAll({board})           every app, in name order
 *   listApps()                  app names under firmware/apps
 *   buildSource(input, board)   an entry file or in-memory TypeScript -> checked bundle, no files
 *   bundleEntry(entry)          the raw pipeline (code + map), no guard, no budget
 *
 * Every build: type-check + bundle (bundle.ts), dialect guard (guard/), size against the board.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBoard, type Board } from '../boards.ts';
import { SpruceError } from '../errors.ts';
import { distDir } from '../paths.ts';
import { appsDir, listApps, loadApp, storageFilePath } from './apps.ts';
import { bundleEntry, toProjectPath, type RawSourceMap } from './bundle.ts';
import { checkBundle, errorsOf, formatViolation, type Violation } from './guard/index.ts';
import type { BuildManifest, StorageFileEntry } from './manifest.ts';
import { sizeReport, type SizeReport } from './size.ts';

export { listApps, loadApp, appsDir } from './apps.ts';
export { bundleEntry } from './bundle.ts';
export type { BundleResult, RawSourceMap } from './bundle.ts';
export { checkBundle, formatViolation, errorsOf } from './guard/index.ts';
export type { Violation } from './guard/index.ts';
export { readBuildManifest, readBuildManifestFile, manifestPath, bundlePathOf } from './manifest.ts';
export type { BuildManifest, StorageFileEntry } from './manifest.ts';
export { estimateJsVars, formatSizeTable, ESTIMATE_NOTE } from './size.ts';
export type { SizeReport } from './size.ts';

export interface BuildAppOptions {
  board: string;
  app: string;
  /** Defaults to dist/<board>. */
  outDir?: string;
  /** Defaults to firmware/apps (tests point it at fixtures). */
  appsDir?: string;
}

export interface AppBuildResult {
  app: string;
  board: string;
  bundlePath: string;
  mapPath: string;
  manifestPath: string;
  manifest: BuildManifest;
  /** Warnings only: a build with errors throws. */
  violations: Violation[];
  /** Rollup's non-fatal warnings (circular imports, exports of the entry that the iife drops). */
  bundleWarnings: string[];
  report: SizeReport;
  code: string;
}

export async function buildApp(options: BuildAppOptions): Promise<AppBuildResult> {
  const board = loadBoard(options.board);
  const app = loadApp(options.app, options.appsDir ?? appsDir());
  const outDir = resolve(options.outDir ?? join(distDir(), board.id));
  const bundlePath = join(outDir, `${app.name}.js`);
  const { code, map, warnings: bundleWarnings } = await bundleEntry(app.entry, { board: board.id, boardPins: board.pins, outFile: bundlePath });
  const violations = guardOrThrow(code, map, `${app.name} for ${board.id}`);
  const storage = storageEntries(app.manifest.storage, app.name);
  const bytes = Buffer.byteLength(code, 'utf8');
  const report = sizeReport(app.name, board, bytes, storage.reduce((sum, entry) => sum + entry.bytes, 0));
  if (report.overBudget.length > 0) {
    throw new SpruceError('E_BUILD_OVER_BUDGET', `over budget on ${board.id}: ${report.overBudget.join('; ')}`, {
      hint: 'shrink the app (fewer modules, smaller tables in Storage files instead of code) or pick a board with more room',
      exit: 'BUILD',
    });
  }
  const manifest: BuildManifest = {
    app: app.name, board: board.id, bundle: `${app.name}.js`, map: `${app.name}.js.map`,
    bytes, sha256: sha256(code), jsVarsEstimate: report.jsVarsEstimate, storage,
  };
  mkdirSync(outDir, { recursive: true });
  const mapPath = `${bundlePath}.map`;
  const manifestFile = join(outDir, `${app.name}.manifest.json`);
  writeFileSync(bundlePath, code);
  writeFileSync(mapPath, JSON.stringify(map));
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { app: app.name, board: board.id, bundlePath, mapPath, manifestPath: manifestFile, manifest, violations, bundleWarnings, report, code };
}

export interface BuildAllOptions {
  board: string;
  outDir?: string;
  appsDir?: string;
  /** Called before each app starts (progress for the CLI). */
  onApp?: (app: string, index: number, total: number) => void;
}

/** Builds every app in name order; stops at the first failure (the CLI loops itself to report all). */
export async function buildAll(options: BuildAllOptions): Promise<AppBuildResult[]> {
  const names = listApps(options.appsDir ?? appsDir());
  if (names.length === 0) {
    throw new SpruceError('E_APP_NONE', `no apps in ${options.appsDir ?? appsDir()}`, { hint: 'create firmware/apps/<name>/main.ts and app.json', exit: 'USAGE' });
  }
  const results: AppBuildResult[] = [];
  for (const [index, app] of names.entries()) {
    options.onApp?.(app, index, names.length);
    results.push(await buildApp({ board: options.board, app, outDir: options.outDir, appsDir: options.appsDir }));
  }
  return results;
}

export type SourceInput =
  /** A .ts entry file on disk (its imports are followed). */
  | { entry: string }
  /** In-memory TypeScript; written to a temp file, so import firmware modules by absolute path. */
  | { code: string; fileName?: string };

export interface SourceBuildOptions {
  /** 'error' (default): throw on guard errors; 'never': return them for the caller to inspect. */
  failOn?: 'error' | 'never';
}

export interface SourceBuildResult {
  code: string;
  map: RawSourceMap;
  /** All findings (errors too when failOn is 'never'). */
  violations: Violation[];
  bytes: number;
  jsVarsEstimate: number;
  report: SizeReport;
}

/** Builds one entry (file or in-memory TS) for a board without writing anything to dist. */
export async function buildSource(input: SourceInput, boardOrId: string | Board, options: SourceBuildOptions = {}): Promise<SourceBuildResult> {
  const board = typeof boardOrId === 'string' ? loadBoard(boardOrId) : boardOrId;
  let tempDir: string | undefined;
  let entry: string;
  if ('entry' in input) {
    entry = resolve(input.entry);
  } else {
    tempDir = mkdtempSync(join(tmpdir(), 'spruce-source-'));
    entry = join(tempDir, input.fileName ?? 'main.ts');
    writeFileSync(entry, input.code);
  }
  try {
    const { code, map } = await bundleEntry(entry, { board: board.id, boardPins: board.pins });
    const violations = options.failOn === 'never' ? checkBundle(code, { sourcemap: map }) : guardOrThrow(code, map, toProjectPath(entry));
    const bytes = Buffer.byteLength(code, 'utf8');
    const report = sizeReport(toProjectPath(entry), board, bytes, 0);
    return { code, map, violations, bytes, jsVarsEstimate: report.jsVarsEstimate, report };
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

/** Runs the dialect guard; throws E_BUILD_DIALECT on errors, returns the warnings. */
function guardOrThrow(code: string, map: RawSourceMap, what: string): Violation[] {
  const violations = checkBundle(code, { sourcemap: map });
  const errors = errorsOf(violations);
  if (errors.length > 0) {
    throw new SpruceError(
      'E_BUILD_DIALECT',
      `${what}: the bundle breaks Espruino's dialect (${errors.length} problem${errors.length === 1 ? '' : 's'}):\n${errors.map((v) => `  ${formatViolation(v)}`).join('\n')}`,
      { hint: 'rewrite the named source lines (ESPRUINO.md section 1 lists what Espruino runs)', exit: 'BUILD' },
    );
  }
  return violations;
}

function storageEntries(storage: Record<string, string>, app: string): StorageFileEntry[] {
  return Object.entries(storage).map(([name, relativePath]) => {
    const path = storageFilePath(relativePath);
    if (!existsSync(path)) {
      throw new SpruceError('E_APP_STORAGE_MISSING', `app "${app}" lists Storage file "${name}" at ${relativePath}, which does not exist`, {
        hint: 'create the file (e.g. export the model with `spruce train`) or remove it from app.json',
        exit: 'BAD_INPUT',
      });
    }
    const data = readFileSync(path);
    return { name, path, bytes: data.length, sha256: sha256(data) };
  });
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

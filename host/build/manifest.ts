/**
 * The build manifest, dist/<board>/<app>.manifest.json, written beside each bundle. The
 * virtual board and the flasher read it (through readBuildManifest) instead of guessing paths:
 * it names the bundle, its size and hash, and the Storage files the app needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SpruceError } from '../errors.ts';
import { distDir } from '../paths.ts';

export interface StorageFileEntry {
  /** Name in the board's Storage (`require("Storage").read(name)`). */
  name: string;
  /** Absolute host path of the file to upload. */
  path: string;
  bytes: number;
  /** Hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface BuildManifest {
  app: string;
  board: string;
  /** Bundle file name, relative to the manifest's folder (`<app>.js`). */
  bundle: string;
  /** Source map file name, relative to the manifest's folder. */
  map?: string;
  bytes: number;
  /** Hex SHA-256 of the bundle's bytes. */
  sha256: string;
  /** Code-only estimate: JsVars the bundle's text costs when sent to RAM (see size.ts). */
  jsVarsEstimate: number;
  storage: StorageFileEntry[];
}

export function manifestPath(board: string, app: string, outDir: string = join(distDir(), board)): string {
  return join(outDir, `${app}.manifest.json`);
}

/** Reads dist/<board>/<app>.manifest.json (or `outDir`'s), failing with the command that makes it. */
export function readBuildManifest(board: string, app: string, outDir?: string): BuildManifest {
  return readBuildManifestFile(manifestPath(board, app, outDir));
}

export function readBuildManifestFile(file: string): BuildManifest {
  if (!existsSync(file)) {
    throw new SpruceError('E_BUILD_MISSING', `no build manifest at ${file}`, {
      hint: 'run `spruce build --board <board> --app <app>` first', exit: 'BAD_INPUT',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SpruceError('E_BUILD_MANIFEST', `${file} is not valid JSON: ${(error as Error).message}`, { hint: 'rebuild with `spruce build`', exit: 'BAD_INPUT' });
  }
  const problem = manifestProblem(data);
  if (problem) throw new SpruceError('E_BUILD_MANIFEST', `${file}: ${problem}`, { hint: 'rebuild with `spruce build`', exit: 'BAD_INPUT' });
  return data as BuildManifest;
}

/** Absolute path of the bundle a manifest names. */
export function bundlePathOf(manifest: BuildManifest, manifestFile: string): string {
  return resolve(dirname(manifestFile), manifest.bundle);
}

function manifestProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'not an object';
  const m = data as Record<string, unknown>;
  for (const key of ['app', 'board', 'bundle', 'sha256'] as const) if (typeof m[key] !== 'string') return `"${key}" must be a string`;
  for (const key of ['bytes', 'jsVarsEstimate'] as const) if (typeof m[key] !== 'number') return `"${key}" must be a number`;
  if (!Array.isArray(m.storage)) return '"storage" must be an array';
  for (const entry of m.storage as unknown[]) {
    const e = entry as Record<string, unknown>;
    if (typeof e?.name !== 'string' || typeof e.path !== 'string' || typeof e.bytes !== 'number' || typeof e.sha256 !== 'string') {
      return 'each storage entry needs name, path, bytes, sha256';
    }
  }
  return undefined;
}

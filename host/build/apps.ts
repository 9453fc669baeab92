/**
 * Apps: folders firmware/apps/<name>/ holding an entry main.ts and an app.json manifest
 * {"name", "summary", "storage": {"<StorageFileName>": "<path relative to the project root>"}}.
 * `storage` lists extra files the app needs in the board's Storage (a model binary, say).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpruceError } from '../errors.ts';
import { projectRoot } from '../paths.ts';

/** Espruino's Storage file names are at most 28 characters (2v29). */
export const STORAGE_NAME_MAX = 28;

export interface AppManifest {
  name: string;
  summary: string;
  /** Storage file name -> path relative to the project root. */
  storage: Record<string, string>;
}

export interface AppInfo {
  name: string;
  dir: string;
  entry: string;
  manifest: AppManifest;
}

export function appsDir(): string {
  return join(projectRoot(), 'firmware', 'apps');
}

/** Names of the apps under `dir` (folders holding an app.json or a main.ts), sorted. */
export function listApps(dir: string = appsDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => {
      const folder = join(dir, name);
      return statSync(folder).isDirectory() && (existsSync(join(folder, 'app.json')) || existsSync(join(folder, 'main.ts')));
    })
    .sort();
}

/** Loads and checks one app; every problem names the file and the fix. */
export function loadApp(name: string, dir: string = appsDir()): AppInfo {
  const folder = join(dir, name);
  if (!existsSync(folder)) {
    const known = listApps(dir);
    throw new SpruceError('E_APP_UNKNOWN', `no app named "${name}" in ${dir}`, {
      hint: known.length > 0 ? `choose one of: ${known.join(', ')}` : `create ${join(dir, name)}/main.ts and app.json`,
      exit: 'USAGE',
    });
  }
  const entry = join(folder, 'main.ts');
  if (!existsSync(entry)) {
    throw new SpruceError('E_APP_NO_ENTRY', `app "${name}" has no entry file ${entry}`, {
      hint: 'every app needs a main.ts that starts the firmware', exit: 'BAD_INPUT',
    });
  }
  return { name, dir: folder, entry, manifest: readAppManifest(join(folder, 'app.json'), name) };
}

export function readAppManifest(file: string, expectedName: string): AppManifest {
  if (!existsSync(file)) {
    throw new SpruceError('E_APP_MANIFEST', `${file} is missing`, {
      hint: `write {"name": "${expectedName}", "summary": "...", "storage": {}}`, exit: 'BAD_INPUT',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SpruceError('E_APP_MANIFEST', `${file} is not valid JSON: ${(error as Error).message}`, { hint: 'fix the JSON syntax', exit: 'BAD_INPUT' });
  }
  const bad = (what: string): SpruceError => new SpruceError('E_APP_MANIFEST', `${file}: ${what}`, {
    hint: '{"name": "<folder name>", "summary": "<one line>", "storage": {"<StorageFileName>": "<path from the project root>"}}',
    exit: 'BAD_INPUT',
  });
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw bad('must be a JSON object');
  const record = data as Record<string, unknown>;
  if (record.name !== expectedName) throw bad(`"name" must be "${expectedName}" (the folder name), found ${JSON.stringify(record.name)}`);
  if (typeof record.summary !== 'string' || record.summary.trim() === '') throw bad('"summary" must be a non-empty string');
  const storage = record.storage ?? {};
  if (typeof storage !== 'object' || storage === null || Array.isArray(storage)) throw bad('"storage" must be an object of Storage name -> file path');
  for (const [storageName, path] of Object.entries(storage)) {
    if (typeof path !== 'string' || path === '') throw bad(`storage "${storageName}" must map to a file path`);
    if (storageName.length === 0 || storageName.length > STORAGE_NAME_MAX) throw bad(`Storage name "${storageName}" must be 1-${STORAGE_NAME_MAX} characters (Espruino's limit)`);
    if (storageName.startsWith('.boot')) throw bad(`Storage name "${storageName}" is reserved by Espruino's boot process`);
  }
  return { name: expectedName, summary: record.summary, storage: storage as Record<string, string> };
}

/** Absolute host path of a storage file listed in an app manifest. */
export function storageFilePath(path: string): string {
  return resolve(projectRoot(), path);
}

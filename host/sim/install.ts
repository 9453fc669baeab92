/**
 * Installing what the build produced (dist/<board>/<app>.js + .manifest.json) on a virtual
 * board, the way the flasher installs it on a real one: the bundle as .bootcde, the manifest's
 * Storage files, and the device identity file spruce.dev = {"id", "key"}.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readBuildManifestFile, type BuildManifest } from '../build/manifest.ts';

/** What an app install puts in Storage. */
export interface InstallInput {
  /** The bundle's exact text: written as .bootcde. */
  bundle: string;
  /** Extra Storage files (name -> content). */
  files?: Record<string, string | Uint8Array>;
}

/** Anything that installs an app as the flasher would (a VirtualBoard). */
export interface InstallTarget {
  install(app: InstallInput): void;
}

/** The Storage file the firmware reads its identity from (firmware/hal/device.ts). */
export const DEVICE_FILE = 'spruce.dev';

export function deviceFile(id: string, key: string): string {
  return JSON.stringify({ id, key });
}

/** Installs a build by its manifest file; returns the manifest. */
export function installBuild(board: InstallTarget, manifestFile: string, identity?: { id: string; key: string }): BuildManifest {
  const manifest = readBuildManifestFile(manifestFile);
  installBuilt(board, manifest, readFileSync(join(dirname(manifestFile), manifest.bundle), 'latin1'), identity);
  return manifest;
}

/** Installs a build already in hand: its bundle text, its manifest's Storage files and the identity. */
export function installBuilt(board: InstallTarget, manifest: BuildManifest, bundle: string, identity?: { id: string; key: string }): void {
  const files: Record<string, string | Uint8Array> = {};
  for (const entry of manifest.storage) files[entry.name] = new Uint8Array(readFileSync(entry.path));
  if (identity) files[DEVICE_FILE] = deviceFile(identity.id, identity.key);
  board.install({ bundle, files });
}

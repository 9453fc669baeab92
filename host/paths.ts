import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The spruce checkout (where package.json, boards/ and firmware/ live). */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** ../shared/datasets beside the checkout, overridable with SPRUCE_DATASETS. */
export function datasetsDir(): string {
  return process.env.SPRUCE_DATASETS ?? join(projectRoot(), '..', 'shared', 'datasets');
}

/** Where built bundles go: dist/<board>/<app>.js. */
export function distDir(): string {
  return join(projectRoot(), 'dist');
}

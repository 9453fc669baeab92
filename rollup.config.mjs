// `npx rollup -c --environment APP:<name>,BOARD:<id>[,APPS_DIR:<folder>,OUT_DIR:<folder>]`
// builds one app with exactly the pipeline of `spruce build` (TypeScript 5.9 -> iife -> terser
// ecma 5 -> hoist/shim pass -> dialect guard), writing dist/<board>/<app>.js. The pipeline lives in host/build/ (TypeScript), loaded
// here through tsx; `spruce build` also writes the manifest and checks the size budget.
import { register } from 'tsx/esm/api';

register();
const { rollupConfigFor } = await import('./host/build/rollup-config.ts');

const app = process.env.APP ?? 'occupancy';
const board = process.env.BOARD ?? 'esp32';
// APPS_DIR: another folder of apps (the build's own test fixtures live in host/build/fixtures/apps);
// OUT_DIR: where to write instead of dist/<board>.
export default rollupConfigFor(app, board, process.env.APPS_DIR, process.env.OUT_DIR);

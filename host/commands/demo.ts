/**
 * `spruce demo`: the main job. A fleet of virtual boards running the real firmware on held-out
 * data, into the bridge and an embedded MQTT broker; shows live what arrives and ends with a summary.
 */
import type { Command } from 'commander';
import type { CommandSpec } from './command.ts';
import { numberOption } from './options.ts';
import { EXIT_CODES, SpruceError } from '../errors.ts';
import { formatDemoSummary, runDemo } from '../bridge/demo.ts';

interface DemoCliOptions {
  hours: string;
  occupancy: string;
  activity: string;
  embeddedPort: string;
  speed?: string;
  quiet?: boolean;
  json?: boolean;
}

/** A number >= 0 (whole unless `integer` is false). */
function count(name: string, text: string, { integer = true } = {}): number {
  return numberOption(name, text, { integer, allowZero: true });
}

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary: 'the main job: a fleet of virtual boards on held-out data → bridge → embedded MQTT broker, live',
  configure(command: Command) {
    command
      .option('--hours <n>', 'simulated hours to run', '1')
      .option('--occupancy <n>', 'occupancy boards (replaying occupancy_test1.csv, each from a different hour)', '3')
      .option('--activity <n>', 'activity boards (replaying held-out har-wrist subjects), if the app exists', '1')
      .option('--embedded-port <n>', 'port of the embedded broker (a free one is used if it is taken)', '1883')
      .option('--speed <x>', 'simulated seconds per real second (default: as fast as the boards run)')
      .option('--quiet', 'no line per message, only progress and the summary')
      .option('--json', 'print the final summary as JSON on stdout')
      .addHelpText('after', '\nExit codes: 0 every accepted message reached the consumer verified; 6 otherwise; 130 interrupted.')
      .action(async (options: DemoCliOptions) => {
        const hours = count('--hours', options.hours, { integer: false });
        if (hours <= 0) throw new SpruceError('E_USAGE', '--hours must be > 0', { exit: 'USAGE' });
        const abort = new AbortController();
        const onSigint = (): void => abort.abort();
        process.once('SIGINT', onSigint);
        const out = (line: string): void => void (options.json ? process.stderr : process.stdout).write(line + '\n');
        try {
          const summary = await runDemo({
            hours,
            occupancy: count('--occupancy', options.occupancy),
            activity: count('--activity', options.activity),
            embeddedPort: count('--embedded-port', options.embeddedPort),
            speed: options.speed ? count('--speed', options.speed, { integer: false }) : undefined,
            live: !options.quiet,
            out,
            signal: abort.signal,
          });
          if (options.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
          else out(formatDemoSummary(summary));
          process.exitCode = abort.signal.aborted ? EXIT_CODES.INTERRUPTED : summary.ok ? EXIT_CODES.OK : EXIT_CODES.DEVICE;
        } finally {
          process.off('SIGINT', onSigint);
        }
      });
  },
};

import { Command, CommanderError } from 'commander';
import { loadCommands } from './registry.ts';
import { describeError, exitStatusOf, EXIT_CODES } from '../errors.ts';

/** Runs the CLI and returns the exit status (never calls process.exit, so tests can call it). */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('spruce')
    .description('TypeScript firmware and host toolchain for ESP32 sensor nodes running Espruino')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  for (const spec of await loadCommands(argv)) {
    const command = program.command(spec.name).description(spec.summary).exitOverride();
    spec.configure(command);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander; they already printed what they had to.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT_CODES.OK;
      return EXIT_CODES.USAGE;
    }
    process.stderr.write(describeError(error) + '\n');
    return exitStatusOf(error);
  }
}

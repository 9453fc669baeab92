import type { Command } from 'commander';

/**
 * What every command file in host/commands exports. Kept apart from the registry so that
 * commands do not import the registry that imports them.
 */
export interface CommandSpec {
  /** The word typed after `spruce`. */
  name: string;
  /** One line for `spruce --help`. */
  summary: string;
  /** Declares options and arguments on the commander Command and sets its action. */
  configure(command: Command): void;
}

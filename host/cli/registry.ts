/**
 * The one command registry. Each command lives in host/commands/<name>.ts and exports a
 * CommandSpec; adding a command is adding a file and a line here.
 */
import type { Command } from 'commander';

export interface CommandSpec {
  /** The word typed after `spruce`. */
  name: string;
  /** One line for `spruce --help`. */
  summary: string;
  /** Declares options and arguments on the commander Command and sets its action. */
  configure(command: Command): void;
}

import { buildCommand } from '../commands/build.ts';
import { simCommand } from '../commands/sim.ts';

export const COMMANDS: readonly CommandSpec[] = [buildCommand, simCommand];

/**
 * The one command registry. Each command lives in host/commands/<name>.ts and exports a
 * CommandSpec; adding a command is adding a file and a line here.
 */
import type { CommandSpec } from './command.ts';

export type { CommandSpec };

import { buildCommand } from '../commands/build.ts';
import { simCommand } from '../commands/sim.ts';
import { trainCommand } from '../commands/train.ts';
import { evalCommand } from '../commands/eval.ts';
import { flashCommand } from '../commands/flash.ts';
import { replCommand } from '../commands/repl.ts';
import { monitorCommand } from '../commands/monitor.ts';
import { portsCommand } from '../commands/ports.ts';
import { bridgeCommand } from '../commands/bridge.ts';
import { powerCommand } from '../commands/power.ts';
import { demoCommand } from '../commands/demo.ts';

export const COMMANDS: readonly CommandSpec[] = [
  buildCommand,
  simCommand,
  trainCommand,
  evalCommand,
  flashCommand,
  replCommand,
  monitorCommand,
  portsCommand,
  bridgeCommand,
  powerCommand,
  demoCommand,
];

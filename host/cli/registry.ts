/**
 * The one command registry. Each command lives in host/commands/<name>.ts and exports a
 * CommandSpec; adding a command is adding a file and a line here.
 *
 * Commands are loaded on demand: `spruce bridge` imports the bridge and nothing else, so a
 * long-running command does not carry every other command's dependencies in memory, and a
 * problem in one command's module cannot stop another from starting.
 */
import type { CommandSpec } from '../commands/command.ts';

type CommandLoader = () => Promise<CommandSpec>;

export const COMMAND_LOADERS: Readonly<Record<string, CommandLoader>> = {
  build: async () => (await import('../commands/build.ts')).buildCommand,
  sim: async () => (await import('../commands/sim.ts')).simCommand,
  train: async () => (await import('../commands/train.ts')).trainCommand,
  eval: async () => (await import('../commands/eval.ts')).evalCommand,
  flash: async () => (await import('../commands/flash.ts')).flashCommand,
  repl: async () => (await import('../commands/repl.ts')).replCommand,
  monitor: async () => (await import('../commands/monitor.ts')).monitorCommand,
  ports: async () => (await import('../commands/ports.ts')).portsCommand,
  bridge: async () => (await import('../commands/bridge.ts')).bridgeCommand,
  power: async () => (await import('../commands/power.ts')).powerCommand,
  demo: async () => (await import('../commands/demo.ts')).demoCommand,
};

/** The commands needed to parse `argv`: just the named one, or all of them (for help and errors). */
export async function loadCommands(argv: readonly string[]): Promise<CommandSpec[]> {
  const first = argv[0];
  const loader = first === undefined ? undefined : COMMAND_LOADERS[first];
  if (loader) return [await loader()];
  return Promise.all(Object.values(COMMAND_LOADERS).map((load) => load()));
}

// Placeholder while the command is being written; replaced by its real implementation.
import type { CommandSpec } from '../cli/registry.ts';
import { SpruceError } from '../errors.ts';

export const flashCommand: CommandSpec = {
  name: 'flash',
  summary: '(in progress)',
  configure(command) {
    command.action(() => {
      throw new SpruceError('E_NOT_READY', 'spruce flash is not built yet');
    });
  },
};

// Placeholder while the command is being written; replaced by its real implementation.
import type { CommandSpec } from '../cli/registry.ts';
import { SpruceError } from '../errors.ts';

export const powerCommand: CommandSpec = {
  name: 'power',
  summary: '(in progress)',
  configure(command) {
    command.action(() => {
      throw new SpruceError('E_NOT_READY', 'spruce power is not built yet');
    });
  },
};

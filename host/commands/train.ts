// Placeholder while the command is being written; replaced by its real implementation.
import type { CommandSpec } from '../cli/registry.ts';
import { SpruceError } from '../errors.ts';

export const trainCommand: CommandSpec = {
  name: 'train',
  summary: '(in progress)',
  configure(command) {
    command.action(() => {
      throw new SpruceError('E_NOT_READY', 'spruce train is not built yet');
    });
  },
};

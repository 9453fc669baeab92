// Placeholder while the command is being written; replaced by its real implementation.
import type { CommandSpec } from '../cli/registry.ts';
import { SpruceError } from '../errors.ts';

export const bridgeCommand: CommandSpec = {
  name: 'bridge',
  summary: '(in progress)',
  configure(command) {
    command.action(() => {
      throw new SpruceError('E_NOT_READY', 'spruce bridge is not built yet');
    });
  },
};

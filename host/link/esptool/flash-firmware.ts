import { SpruceError } from '../../errors.ts';

export interface FirmwareFlashOptions {
  file: string;
  port?: string;
  address: number;
  json?: boolean;
}

export async function flashFirmware(_options: FirmwareFlashOptions): Promise<void> {
  throw new SpruceError('E_NOT_READY', 'spruce flash --firmware is being written', { exit: 'USAGE' });
}

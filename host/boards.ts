/**
 * Boards are data: boards/<id>.json, checked against boards/board.schema.json when loaded.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { SpruceError } from './errors.ts';
import { projectRoot } from './paths.ts';

export interface BoardPins {
  gpio: string[];
  adc: string[];
  i2c: { scl: string; sda: string };
  spi?: { sck?: string; miso?: string; mosi?: string };
  wake: string[];
  led?: string;
}

export interface Board {
  id: string;
  name: string;
  chip: 'ESP32' | 'ESP32-C3' | 'ESP32-S3' | 'VIRTUAL';
  virtual?: boolean;
  espruino: { build: string; version: string };
  memory: { jsVars: number; jsVarBytes: number; reservedJsVars: number; wifiJsVarCost?: number; source?: string };
  storage: { bytes: number; pageBytes: number; eraseCycles?: number; source?: string };
  console: { baud: number; flowControl: 'xon/xoff' | 'none'; tcpPort?: number };
  usb?: { vendorId: string; productId: string; name: string }[];
  pins: BoardPins;
  features: {
    wifi: boolean;
    ble?: boolean;
    crypto: boolean;
    net: boolean;
    packetProtocol: boolean;
    compressedUpload?: boolean;
    deepSleep: boolean;
  };
  /** Power model, added by the power work; free-form here so the schema stays the single check. */
  power?: Record<string, unknown>;
  notes?: string;
}

export function boardsDir(): string {
  return join(projectRoot(), 'boards');
}

let validator: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

function validate(data: unknown, file: string): Board {
  if (!validator) {
    const schema = JSON.parse(readFileSync(join(boardsDir(), 'board.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    validator = ajv.compile(schema);
  }
  if (!validator(data)) {
    const errors = (validator.errors as { instancePath: string; message?: string }[] | undefined) ?? [];
    const detail = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim()).join('; ');
    throw new SpruceError('E_BOARD_INVALID', `${file} does not match boards/board.schema.json: ${detail}`, {
      hint: 'fix the board file; the schema lists every field with its meaning',
      exit: 'BAD_INPUT',
    });
  }
  return data as Board;
}

/** Every board id available (one per boards/*.json, schema excluded). */
export function listBoardIds(): string[] {
  return readdirSync(boardsDir())
    .filter((f) => f.endsWith('.json') && f !== 'board.schema.json')
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadBoard(id: string): Board {
  const ids = listBoardIds();
  if (!ids.includes(id)) {
    throw new SpruceError('E_BOARD_UNKNOWN', `no board named "${id}"`, {
      hint: `choose one of: ${ids.join(', ')} (or add boards/${id}.json)`,
      exit: 'USAGE',
    });
  }
  const file = join(boardsDir(), `${id}.json`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SpruceError('E_BOARD_INVALID', `${file} is not valid JSON: ${(error as Error).message}`, { exit: 'BAD_INPUT' });
  }
  const board = validate(data, file);
  if (board.id !== id) {
    throw new SpruceError('E_BOARD_INVALID', `${file} declares id "${board.id}" but is named "${id}"`, { exit: 'BAD_INPUT' });
  }
  return board;
}

/** Variables an app may use: the board's total less what the interpreter keeps for itself. */
export function jsVarBudget(board: Board): number {
  return board.memory.jsVars - board.memory.reservedJsVars;
}

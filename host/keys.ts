/**
 * The host's key registry: a JSON file mapping device id -> 64-hex-char HMAC key.
 * Keys are secrets: never print them, never commit the file (the default lives outside the repo).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SpruceError } from './errors.ts';

export type KeyRegistry = Record<string, string>;

const KEY_HEX = /^[0-9a-f]{64}$/;
/** Device ids go into topics and JSON: keep them to a safe ASCII alphabet. */
export const DEVICE_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** SPRUCE_KEYS, else ~/.spruce/keys.json. */
export function defaultKeyRegistryPath(): string {
  return process.env.SPRUCE_KEYS ?? join(homedir(), '.spruce', 'keys.json');
}

export function loadKeyRegistry(path = defaultKeyRegistryPath()): KeyRegistry {
  if (!existsSync(path)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SpruceError('E_KEYS_INVALID', `key registry ${path} is not valid JSON (${(error as Error).message})`, {
      hint: 'the file must be a JSON object mapping device id to a 64-hex-char key',
      exit: 'BAD_INPUT',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SpruceError('E_KEYS_INVALID', `key registry ${path} must be a JSON object`, { exit: 'BAD_INPUT' });
  }
  const registry: KeyRegistry = {};
  for (const [device, key] of Object.entries(data)) {
    if (!DEVICE_ID.test(device)) {
      throw new SpruceError('E_KEYS_INVALID', `key registry ${path}: device id "${device}" is not 1-32 chars of [A-Za-z0-9_-]`, { exit: 'BAD_INPUT' });
    }
    if (typeof key !== 'string' || !KEY_HEX.test(key)) {
      // Do not echo the value: it may be a (malformed) secret.
      throw new SpruceError('E_KEYS_INVALID', `key registry ${path}: the key of "${device}" is not 64 lowercase hex chars`, { exit: 'BAD_INPUT' });
    }
    registry[device] = key;
  }
  return registry;
}

/** Writes atomically (temp file + rename) with mode 0600 so a crash never leaves half a registry. */
export function saveKeyRegistry(registry: KeyRegistry, path = defaultKeyRegistryPath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(registry, null, 2) + '\n', { mode: 0o600 });
  renameSync(temp, path);
  chmodSync(path, 0o600);
}

export function generateKey(): string {
  return randomBytes(32).toString('hex');
}

/** Returns the device's key, creating and recording one if it has none. */
export function ensureDeviceKey(device: string, path = defaultKeyRegistryPath()): string {
  if (!DEVICE_ID.test(device)) {
    throw new SpruceError('E_DEVICE_ID', `device id "${device}" is not 1-32 chars of [A-Za-z0-9_-]`, { exit: 'USAGE' });
  }
  const registry = loadKeyRegistry(path);
  const existing = registry[device];
  if (existing) return existing;
  const key = generateKey();
  registry[device] = key;
  saveKeyRegistry(registry, path);
  return key;
}

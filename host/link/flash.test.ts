import { afterEach, describe, expect, it } from 'vitest';
import { EspruinoClient } from './espruino.ts';
import { flashApp, type FlashPlan } from './flash.ts';
import { createMemoryPair } from './memory.ts';
import { BOOT_FILE, COMMIT_FILE, LOADER_SOURCE } from './loader.ts';
import { BoardConsoleServer } from '../sim/console/expose.ts';
import { ScriptBoard } from '../../test/support/script-board.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function plan(marker: string, extra = ''): FlashPlan {
  return {
    app: 'demo',
    board: 'esp32',
    bundle: Buffer.from(`var APP_MARK=${JSON.stringify(marker)};${extra}print("hello from "+APP_MARK);`),
    files: [{ name: 'model.lut', data: Buffer.from(marker.repeat(3000)) }],
    device: { id: 'dev1', key: 'ab'.repeat(32) },
  };
}

async function setup(version = '2v29') {
  const board = new ScriptBoard();
  board.version = version;
  const server = new BoardConsoleServer(board, { baud: 0 });
  const [host, device] = createMemoryPair('host', 'device');
  await server.attach(device);
  await host.open();
  const client = new EspruinoClient(host, { timeoutMs: 1000, chunkSize: 512 });
  cleanups.push(() => server.close(), () => host.close());
  return { board, client, host, device };
}

describe('flashApp (verified, staged upload)', () => {
  for (const version of ['2v29', '2v20']) {
    it(`installs, verifies, commits and confirms the app (${version})`, async () => {
      const { board, client } = await setup(version);
      const steps: string[] = [];
      const result = await flashApp(client, plan('v1'), { step: (s) => steps.push(s) });
      expect(result.uploaded).toEqual(['spruce.js', 'model.lut', 'spruce.dev', 'spruce.ver']);
      expect(board.readFile(BOOT_FILE)?.toString()).toBe(LOADER_SOURCE);
      expect(board.readFile(COMMIT_FILE)).toBeUndefined();
      expect([...board.files.keys()].filter((n) => n.startsWith('~'))).toEqual([]);
      expect(JSON.parse(board.readFile('spruce.dev')!.toString())).toEqual({ id: 'dev1', key: 'ab'.repeat(32) });
      expect(board.evaluate('APP_MARK')).toBe('v1');
      expect(steps.join('\n')).not.toContain('ab'.repeat(32));
      // A second upload of the same files sends only the version record.
      await client.sync();
      const again = await flashApp(client, plan('v1'));
      expect(again.unchanged).toEqual(['spruce.js', 'model.lut', 'spruce.dev']);
    });
  }

  it('an upload cut off mid-way leaves the previous firmware booting', async () => {
    const { board, client, host } = await setup();
    await flashApp(client, plan('v1'));
    await client.sync();
    // Pull the cable after the first DATA packets of the next upload.
    let sent = 0;
    const upload = flashApp(client, plan('v2'), {
      progress: (bytes) => {
        sent = bytes;
        if (bytes > 2000) host.unplug();
      },
    });
    await expect(upload).rejects.toBeTruthy();
    expect(sent).toBeGreaterThan(0);
    expect(board.readFile(COMMIT_FILE)).toBeUndefined();
    board.reboot();
    expect(board.evaluate('APP_MARK')).toBe('v1');
  });

  it('reports an app that throws at start', async () => {
    const { client } = await setup();
    await expect(flashApp(client, plan('bad', 'throw new Error("boom");'))).rejects.toMatchObject({ code: 'E_APP_CRASHED' });
  });
});

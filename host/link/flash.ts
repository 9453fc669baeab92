/**
 * The verified upload: stage every file under a new name, check each by a SHA-256 computed on the
 * board, commit with one small record, make the loader the boot code, restart, and confirm the app
 * is the one we sent and that it ran. See loader.ts for why an interrupted upload is harmless.
 */
import { SpruceError } from '../errors.ts';
import type { EspruinoClient } from './espruino.ts';
import { BOOT_FAIL_PREFIX, BOOT_FILE, BOOT_OK_PREFIX, BOOT_START_PREFIX, BUNDLE_FILE, COMMIT_FILE, DEVICE_FILE, LOADER_SOURCE, VERSION_FILE, sha256Hex, stagedName, type VersionRecord } from './loader.ts';

export interface FlashFile {
  /** Final Storage name (27 chars at most: one is needed for the staging mark). */
  name: string;
  data: Buffer;
}

export interface FlashPlan {
  app: string;
  board: string;
  bundle: Buffer;
  /** Other Storage files the app reads (models...). */
  files: FlashFile[];
  /** Provisioning: written to spruce.dev. The key is never printed. */
  device?: { id: string; key: string };
}

export interface FlashEvents {
  /** A step started (human-readable). */
  step?(message: string): void;
  /** Upload progress across all files: bytes sent so far, total bytes to send. */
  progress?(sent: number, total: number, file: string): void;
}

export interface FlashResult {
  app: string;
  sha: string;
  uploaded: string[];
  unchanged: string[];
  bytesSent: number;
  transferMs: number;
  totalMs: number;
  version: string;
  board: string;
  packets: boolean;
  boot: 'running' | 'started-then-halted';
}

export function planFiles(plan: FlashPlan, now = Date.now()): { files: FlashFile[]; version: VersionRecord } {
  const version: VersionRecord = { app: plan.app, sha: sha256Hex(plan.bundle).slice(0, 12), board: plan.board, at: now };
  const files: FlashFile[] = [{ name: BUNDLE_FILE, data: plan.bundle }, ...plan.files];
  if (plan.device) files.push({ name: DEVICE_FILE, data: Buffer.from(JSON.stringify({ id: plan.device.id, key: plan.device.key })) });
  files.push({ name: VERSION_FILE, data: Buffer.from(JSON.stringify(version)) });
  for (const file of files) {
    if (file.name.length > 27 || file.name.length === 0) {
      throw new SpruceError('E_STORAGE_NAME', `Storage file name "${file.name}" must be 1-27 characters`, { exit: 'BAD_INPUT', hint: 'rename the file in the app manifest' });
    }
  }
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) throw new SpruceError('E_STORAGE_NAME', 'two files in the upload have the same Storage name', { exit: 'BAD_INPUT' });
  return { files, version };
}

async function hashOnBoard(client: EspruinoClient, name: string): Promise<string | null> {
  if (client.info?.sha256) return client.sha256(name);
  // No crypto module on this firmware: read the file back and hash it here.
  const exists = await client.eval(`require("Storage").read(${JSON.stringify(name)})!==undefined`);
  return exists ? sha256Hex(await client.readFile(name)) : null;
}

/**
 * Syncs with the board, waiting for it if it does not answer: an app that deep-sleeps leaves the
 * chip deaf until its next wake (ESPRUINO.md section 3), so keep trying for a while and say why.
 */
export async function waitForBoard(client: EspruinoClient, events: FlashEvents = {}, waitMs = 90_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      await client.sync();
      return;
    } catch (error) {
      if ((error as SpruceError).code !== 'E_DEVICE_NO_ANSWER' || Date.now() > deadline) throw error;
      if (!told) {
        told = true;
        events.step?.(`no answer yet: the board may be in deep sleep; waiting up to ${Math.round(waitMs / 1000)} s for it to wake (press EN/reset to wake it now)`);
      }
    }
  }
}

export async function flashApp(client: EspruinoClient, plan: FlashPlan, events: FlashEvents = {}): Promise<FlashResult> {
  const started = performance.now();
  events.step?.(`connecting to ${client.transport.name}`);
  await waitForBoard(client, events);
  const info = await client.identify();
  // Stop the running app's timers so it cannot deep-sleep (and go deaf) half-way through the
  // upload; the restart at the end brings it back.
  await client.eval('(function(){clearTimeout();clearInterval();try{clearWatch()}catch(e){}})()');
  events.step?.(`Espruino ${info.version} on ${info.board}${info.packets ? ' (packet protocol)' : ' (REPL lines: firmware before 2v25)'}`);

  const { files, version } = planFiles(plan);
  // Skip files whose live copy already matches (models rarely change between uploads).
  const toSend: FlashFile[] = [];
  const unchanged: string[] = [];
  for (const file of files) {
    if (file.name !== VERSION_FILE && (await hashOnBoard(client, file.name)) === sha256Hex(file.data)) unchanged.push(file.name);
    else toSend.push(file);
  }
  // A previous interrupted upload may have left a record or staged files: clear them first.
  await client.eval(`(function(S){S.erase(${JSON.stringify(COMMIT_FILE)});S.list().forEach(function(n){if(n.charAt(0)=="~")S.erase(n)})})(require("Storage"))`);

  const total = toSend.reduce((sum, f) => sum + f.data.length, 0);
  let done = 0;
  const transferStart = performance.now();
  for (const file of toSend) {
    const staged = stagedName(file.name);
    events.step?.(`uploading ${file.name === DEVICE_FILE ? `${DEVICE_FILE} (device ${plan.device?.id})` : file.name} (${file.data.length} bytes)`);
    await client.writeFile(staged, file.data, (sent) => events.progress?.(done + sent, total, file.name));
    done += file.data.length;
  }
  const transferMs = performance.now() - transferStart;

  events.step?.('verifying on the board (SHA-256)');
  for (const file of toSend) {
    const staged = stagedName(file.name);
    const onBoard = await hashOnBoard(client, staged);
    const expected = sha256Hex(file.data);
    if (onBoard !== expected) {
      throw new SpruceError('E_VERIFY_MISMATCH', `${file.name} did not arrive intact (board has ${onBoard ?? 'no file'}, expected ${expected.slice(0, 12)}…); the previous firmware is untouched`, {
        exit: 'DEVICE',
        hint: 'retry the flash; if it repeats, check the cable, and `require("Storage").getFree()` on the board',
      });
    }
  }

  const record = JSON.stringify({ f: toSend.map((f) => [stagedName(f.name), f.name]) });
  events.step?.('committing');
  await client.writeFile(COMMIT_FILE, Buffer.from(record));
  if ((await hashOnBoard(client, COMMIT_FILE)) !== sha256Hex(record)) {
    throw new SpruceError('E_VERIFY_MISMATCH', 'the commit record did not arrive intact; the previous firmware is untouched', { exit: 'DEVICE', hint: 'retry the flash' });
  }
  // The loader is written only after the commit record: until then any old boot code still runs as before.
  if ((await hashOnBoard(client, BOOT_FILE)) !== sha256Hex(LOADER_SOURCE)) {
    await client.writeFile(BOOT_FILE, Buffer.from(LOADER_SOURCE));
    if ((await hashOnBoard(client, BOOT_FILE)) !== sha256Hex(LOADER_SOURCE)) {
      throw new SpruceError('E_VERIFY_MISMATCH', 'the boot loader did not arrive intact', { exit: 'DEVICE', hint: 'retry the flash' });
    }
  }

  events.step?.('restarting');
  const boot = await restartAndConfirm(client, version);
  if (boot === 'started-then-halted') events.step?.('the app started and halted the interpreter (deep sleep?) before finishing its first run');
  return {
    app: plan.app,
    sha: version.sha,
    uploaded: toSend.map((f) => f.name),
    unchanged,
    bytesSent: total,
    transferMs,
    totalMs: performance.now() - started,
    version: info.version,
    board: info.board,
    packets: info.packets,
    boot,
  };
}

/**
 * Reboots into the boot code (load()) and waits for the loader's status lines. `starting` then
 * `running` is success; `failed` is a crash. `starting` followed by silence means the app halted
 * the interpreter while loading (an app that deep-sleeps straight away): it started, which is all
 * that can be confirmed before it wakes.
 */
export async function restartAndConfirm(client: EspruinoClient, version: VersionRecord, timeoutMs = 15_000, settleMs = 3000): Promise<'running' | 'started-then-halted'> {
  const expected = `${version.app} ${version.sha}`;
  let seen = '';
  let cancel = () => {};
  const outcome = new Promise<'running' | 'started-then-halted'>((resolve, reject) => {
    let settle: NodeJS.Timeout | undefined;
    const finish = (error: SpruceError | undefined, value?: 'running' | 'started-then-halted') => {
      cancel();
      if (error) reject(error);
      else resolve(value!);
    };
    const timer = setTimeout(
      () =>
        finish(
          new SpruceError('E_BOOT_SILENT', `the board did not report the app starting within ${timeoutMs / 1000} s after restart`, {
            exit: 'DEVICE',
            hint: 'watch it with `spruce monitor`; the boot code may not be the spruce loader, or the board reset into the ROM bootloader',
          }),
        ),
      timeoutMs,
    );
    const off = client.onText((text) => {
      seen = (seen + text).slice(-20_000);
      const lines = seen.split(/\r?\n/).map((line) => line.slice(Math.max(0, line.indexOf('spruce: '))));
      const failed = lines.find((line) => line.startsWith(BOOT_FAIL_PREFIX));
      if (failed) {
        return finish(
          new SpruceError('E_APP_CRASHED', `the app was installed and verified, but threw while starting: ${failed.slice(BOOT_FAIL_PREFIX.length)}`, {
            exit: 'DEVICE',
            hint: 'run it on the virtual board first (`spruce sim`), or watch `spruce monitor` for the error',
          }),
        );
      }
      const running = lines.find((line) => line.startsWith(BOOT_OK_PREFIX));
      const started = lines.find((line) => line.startsWith(BOOT_START_PREFIX));
      const name = (running ?? started)?.slice((running ? BOOT_OK_PREFIX : BOOT_START_PREFIX).length).trim();
      if (name !== undefined && name !== expected) {
        return finish(
          new SpruceError('E_APP_MISMATCH', `after restart the board runs "${name}", not ${expected}`, { exit: 'DEVICE', hint: 'the commit did not apply: retry the flash' }),
        );
      }
      if (running) return finish(undefined, 'running');
      if (started && !settle) settle = setTimeout(() => finish(undefined, 'started-then-halted'), settleMs);
    });
    cancel = () => {
      clearTimeout(timer);
      if (settle) clearTimeout(settle);
      off();
    };
  });
  outcome.catch(() => undefined);
  try {
    await client.write('\x10load()\n');
  } catch (error) {
    cancel();
    throw error;
  }
  return outcome;
}

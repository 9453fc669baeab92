/**
 * A pseudo-terminal pair made by socat — the standard tool — so the virtual board appears as a
 * serial port (`/tmp/.../tty`) that serialport, screen or the stock espruino CLI can open.
 *
 *   socat -d -d pty,raw,echo=0,link=<board side> pty,raw,echo=0,link=<user side>
 *
 * Killing socat is pulling the cable (both ends get EIO/HUP); starting it again with the same links
 * is plugging it back in.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SpruceError } from '../../errors.ts';

export interface PtyPairPaths {
  /** Where the virtual board attaches. */
  boardSide: string;
  /** What the user (or spruce flash) opens. */
  userSide: string;
}

export function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new SpruceError('E_SOCAT_MISSING', 'socat is needed to expose the virtual board on a pseudo-terminal, and it is not installed', {
      exit: 'PORT',
      hint: 'install it (Debian/Ubuntu: `sudo apt-get install socat`), or use `--tcp <port>` instead',
    });
  }
}

export class PtyPair {
  private child: ChildProcess | undefined;

  constructor(readonly paths: PtyPairPaths) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts socat and resolves when both links exist. */
  async start(): Promise<void> {
    if (this.running) return;
    requireSocat();
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.paths.boardSide}`, `pty,raw,echo=0,link=${this.paths.userSide}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.paths.boardSide) && existsSync(this.paths.userSide))) {
      if (child.exitCode !== null) {
        throw new SpruceError('E_SOCAT_FAILED', `socat exited (${child.exitCode}) before making the pseudo-terminals: ${stderr.trim()}`, { exit: 'PORT' });
      }
      if (Date.now() > deadline) {
        this.stopNow();
        throw new SpruceError('E_SOCAT_FAILED', 'socat did not create the pseudo-terminals within 5 s', { exit: 'PORT' });
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Kills socat (the cable is pulled) and waits for it to be gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    // socat removes its links on a clean exit only; after SIGKILL they may dangle.
    for (const path of [this.paths.boardSide, this.paths.userSide]) {
      try {
        (await import('node:fs')).unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
  }

  private stopNow(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }
}

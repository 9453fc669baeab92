/**
 * A pair of connected pseudo-terminals made by socat: the device simulator writes to one end, the
 * bridge opens the other like a serial port. Killing socat is an unplug (both ends vanish, mid-line
 * if data was flowing); start() again with the same paths is the replug.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function hasSocat(): boolean {
  return spawnSync('socat', ['-V']).status === 0;
}

export class PtyPair {
  private child: ChildProcess | null = null;
  readonly devicePath: string;
  readonly hostPath: string;

  constructor(dir: string, name: string) {
    this.devicePath = join(dir, `${name}.device`);
    this.hostPath = join(dir, `${name}.host`);
  }

  async start(): Promise<void> {
    const child = spawn('socat', [`pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.hostPath}`], { stdio: 'ignore' });
    this.child = child;
    const deadline = Date.now() + 5000;
    while (!(existsSync(this.devicePath) && existsSync(this.hostPath))) {
      if (child.exitCode !== null) throw new Error(`socat exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error('socat did not create the pty pair');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Unplug: kill socat; both pty ends disappear. */
  async unplug(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    // socat removes its symlinks on SIGTERM only; after SIGKILL they dangle. Remove them like udev would.
    for (const path of [this.devicePath, this.hostPath]) spawnSync('rm', ['-f', path]);
  }

  async close(): Promise<void> {
    await this.unplug();
  }
}

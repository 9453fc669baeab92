/**
 * Starts a real mosquitto (Debian's /usr/sbin/mosquitto) on 127.0.0.1 with a temporary config:
 * persistence on, `max_queued_messages 0` (unlimited queue for offline persistent sessions), and
 * optionally TLS with required client certificates. The broker can be killed, stopped, continued and
 * restarted on the same port and persistence directory, which is what the fault scenarios need.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));

export function hasMosquitto(): boolean {
  return MOSQUITTO !== undefined;
}

export interface MosquittoOptions {
  tls?: { caFile: string; certFile: string; keyFile: string; requireClientCert: boolean };
  /** Seconds between persistence saves (default 1, so a kill -9 loses at most about a second). */
  autosaveInterval?: number;
  extraConfig?: string[];
}

export class Mosquitto {
  private child: ChildProcess | null = null;
  private log: string[] = [];
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly configPath: string,
  ) {}

  static async start(options: MosquittoOptions = {}): Promise<Mosquitto> {
    if (!MOSQUITTO) throw new Error('mosquitto is not installed (apt-get install -y mosquitto)');
    const dir = mkdtempSync(join(tmpdir(), 'spruce-mosquitto-'));
    const port = await freePort();
    const lines = [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      `autosave_interval ${options.autosaveInterval ?? 1}`,
      'max_queued_messages 0',
      'max_inflight_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ];
    // Started as root, mosquitto switches to the "mosquitto" user, which cannot read our 0700 temp
    // dir (persistence, certificates). Stay as the invoking user instead.
    if (process.getuid?.() === 0) lines.push('user root');
    if (options.tls) {
      lines.push(`cafile ${options.tls.caFile}`, `certfile ${options.tls.certFile}`, `keyfile ${options.tls.keyFile}`);
      lines.push(`require_certificate ${options.tls.requireClientCert}`);
    }
    lines.push(...(options.extraConfig ?? []));
    const configPath = join(dir, 'mosquitto.conf');
    writeFileSync(configPath, lines.join('\n') + '\n');
    const broker = new Mosquitto(dir, port, configPath);
    try {
      await broker.launch();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get output(): string {
    return this.log.join('');
  }

  async launch(): Promise<void> {
    const child = spawn(MOSQUITTO!, ['-c', this.configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 200) this.log.shift();
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${this.output}`);
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error(`mosquitto did not listen on ${this.port}: ${this.output}`);
  }

  /** kill -9, as in a crash: whatever was not yet saved is lost inside the broker. */
  async kill9(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** Clean shutdown (SIGTERM): mosquitto saves its persistence file first. */
  async shutdown(): Promise<void> {
    await this.signalAndWait('SIGTERM');
  }

  /** SIGSTOP: the broker freezes with its sockets open (a hung broker). */
  stop(): void {
    this.child?.kill('SIGSTOP');
  }

  cont(): void {
    this.child?.kill('SIGCONT');
  }

  async restart(): Promise<void> {
    await this.launch();
  }

  async close(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGCONT');
      await this.signalAndWait('SIGTERM');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when the openssl CLI is present (TLS tests generate their certificates with it). */
export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}

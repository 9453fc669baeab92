/**
 * The harness of the bridge fault scenarios: a real mosquitto (temp config, persistence on,
 * max_queued_messages 0), device simulators on socat pty pairs, a persistent QoS 1 recording
 * subscriber, and the bridge — in this process or as a child process (`spruce bridge`), so that it
 * can be killed with -9. A scenario runs one fault while traffic flows and then checks delivery.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey } from '../../host/keys.ts';
import { startBridge, type RunningBridge } from '../../host/bridge/run.ts';
import type { WalEntry } from '../../host/bridge/wal.ts';
import { DeviceSim, type NoiseKind } from './device-sim.ts';
import { Mosquitto, sleep } from './mosquitto.ts';
import { PtyPair } from './pty-pair.ts';
import { RecordingSubscriber } from './subscriber.ts';

/** Messages per scenario: SPRUCE_SOAK_MESSAGES, else the suite's default (kept small for 2 cores). */
export function soakMessages(fallback: number): number {
  const fromEnv = Number(process.env.SPRUCE_SOAK_MESSAGES);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

export interface ScenarioOptions {
  devices: number;
  /** Total messages across all devices. */
  messages: number;
  /** Messages per second across all devices. */
  rate: number;
  noise?: number;
  childBridge?: boolean;
  /** Extra bridge CLI args (child) / window override. */
  window?: number;
  retransmitMs?: number;
  walMaxBytes?: number;
}

export interface ScenarioResult {
  generated: number;
  delivered: number;
  missing: string[];
  duplicates: number;
  invalid: string[];
  userPropertyMismatches: number;
  injected: Record<NoiseKind, number>;
  bridgeExits: Array<number | null>;
  bridgeStderr: string;
  seconds: number;
}

export class Scenario {
  readonly dir: string;
  readonly keysPath: string;
  readonly walDir: string;
  readonly keys: Record<string, string> = {};
  broker!: Mosquitto;
  subscriber!: RecordingSubscriber;
  readonly pairs: PtyPair[] = [];
  readonly sims: DeviceSim[] = [];
  inProcess: RunningBridge | null = null;
  child: ChildProcess | null = null;
  private childExits: Array<number | null> = [];
  private childStderr = '';
  /**
   * For every forwarded message (in-process bridge only), which broker connection PUBACKed it
   * (1 = the first). Lets a test tell "acknowledged by the broker that was then killed" apart.
   */
  readonly pubackConnection = new Map<string, number>();
  private startedAt = 0;

  constructor(readonly options: ScenarioOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'spruce-scenario-'));
    this.keysPath = join(this.dir, 'keys.json');
    this.walDir = join(this.dir, 'wal');
  }

  async setup(): Promise<void> {
    this.broker = await Mosquitto.start();
    for (let i = 0; i < this.options.devices; i++) {
      const id = `dev${i}`;
      this.keys[id] = generateKey();
      const pair = new PtyPair(this.dir, id);
      await pair.start();
      this.pairs.push(pair);
    }
    writeFileSync(this.keysPath, JSON.stringify(this.keys), { mode: 0o600 });
    this.subscriber = new RecordingSubscriber(this.broker.url, this.keys, 5);
    await this.subscriber.start();
  }

  async startBridge(): Promise<void> {
    if (this.options.childBridge) return this.startChildBridge();
    const running = await startBridge({
      walDir: this.walDir,
      keys: this.keys,
      mqtt: { url: this.broker.url, protocol: 5, clientOptions: { reconnectPeriod: 200 } },
      ports: this.pairs.map((p) => p.hostPath),
      window: this.options.window,
      wal: { maxBytes: this.options.walMaxBytes },
      replayRate: 5000,
    });
    running.bridge.on('forwarded', (entry: WalEntry) => this.pubackConnection.set(`${entry.dev}:${entry.boot}:${entry.seq}`, running.mqtt.connects));
    this.inProcess = running;
  }

  async startChildBridge(): Promise<void> {
    const args = ['bin/spruce.mjs', 'bridge', '--mqtt', this.broker.url, '--protocol', '5', '--keys', this.keysPath, '--wal', this.walDir, '--status-interval', '1', '--json', '--replay-rate', '5000'];
    for (const pair of this.pairs) args.push('--port', pair.hostPath);
    if (this.options.window) args.push('--window', String(this.options.window));
    const child = spawn(process.execPath, args, { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.lastChildStatus = null;
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.startsWith('{')) {
          try {
            this.lastChildStatus = JSON.parse(line);
          } catch {
            // a status line split across chunks: the next one will do
          }
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.childStderr += chunk.toString();
      if (this.childStderr.length > 20_000) this.childStderr = this.childStderr.slice(-10_000);
    });
    child.on('exit', (code) => this.childExits.push(code));
    // Ready once it printed its first status line (it has connected and opened its ports).
    const deadline = Date.now() + 30_000;
    while (this.lastChildStatus === null) {
      if (child.exitCode !== null) throw new Error(`the bridge exited with ${child.exitCode}: ${this.childStderr}`);
      if (Date.now() > deadline) throw new Error(`the bridge did not start: ${this.childStderr}`);
      await sleep(50);
    }
  }

  lastChildStatus: Record<string, unknown> | null = null;

  async killChildBridge(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = null;
  }

  async startDevices(): Promise<void> {
    const perDevice = Math.ceil(this.options.messages / this.options.devices);
    const rate = this.options.rate / this.options.devices;
    for (let i = 0; i < this.options.devices; i++) {
      const id = `dev${i}`;
      const sim = new DeviceSim({
        id,
        key: this.keys[id]!,
        path: this.pairs[i]!.devicePath,
        rate,
        total: perDevice,
        noise: this.options.noise ?? 0.02,
        bootEvery: 2500,
        retransmitMs: this.options.retransmitMs ?? 3000,
        seed: 1000 + i,
      });
      await sim.start();
      this.sims.push(sim);
    }
    this.startedAt = Date.now();
  }

  /** Messages the scenario generates in all (the total is split evenly, rounded up, per device). */
  get expectedTotal(): number {
    return Math.ceil(this.options.messages / this.options.devices) * this.options.devices;
  }

  get generatedCount(): number {
    return this.sims.reduce((n, s) => n + s.generated.length, 0);
  }

  /** Waits until every generated message reached the subscriber (or the deadline passes). */
  async waitForDelivery(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.sims.every((s) => s.finishedGenerating) && this.missing().length === 0 && this.sims.every((s) => s.done)) return;
      await sleep(200);
    }
  }

  /** Waits until the bridge has published everything it accepted (nothing queued). */
  async waitForBridgeIdle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const doneGenerating = this.sims.every((s) => s.done);
      const queued = this.inProcess ? this.inProcess.bridge.queued : Number(this.lastChildStatus?.queued ?? 1);
      if (doneGenerating && queued === 0) return;
      await sleep(200);
    }
  }

  missing(): string[] {
    const out: string[] = [];
    for (const sim of this.sims) {
      for (const id of sim.generated) {
        const [boot, seq] = id.split(':');
        if (!this.subscriber.has(sim.id, Number(boot), Number(seq))) out.push(`${sim.id}:${id}`);
      }
    }
    return out;
  }

  result(): ScenarioResult {
    const injected = { banner: 0, garbage: 0, prompt: 0, uncaught: 0, forged: 0, malformed: 0, overlong: 0, unknown: 0 } as Record<NoiseKind, number>;
    for (const sim of this.sims) for (const [k, n] of Object.entries(sim.injected)) injected[k as NoiseKind] += n;
    return {
      generated: this.generatedCount,
      delivered: this.subscriber.seen.size,
      missing: this.missing(),
      duplicates: this.subscriber.duplicates,
      invalid: this.subscriber.invalid,
      userPropertyMismatches: this.subscriber.userPropertyMismatches,
      injected,
      bridgeExits: this.childExits,
      bridgeStderr: this.childStderr,
      seconds: (Date.now() - this.startedAt) / 1000,
    };
  }

  async teardown(): Promise<void> {
    for (const sim of this.sims) await sim.stop().catch(() => undefined);
    if (this.inProcess) await this.inProcess.close().catch(() => undefined);
    if (this.child && this.child.exitCode === null) {
      const child = this.child;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await this.subscriber?.close().catch(() => undefined);
    for (const pair of this.pairs) await pair.close();
    await this.broker?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

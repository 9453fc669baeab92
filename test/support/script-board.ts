/**
 * A small scripted board for UNIT tests of the link and console logic: a node:vm context with just
 * enough of Espruino (print, Storage with fixed-size writes, crypto.SHA256, load(), process.env).
 * End-to-end tests use the real virtual board (host/sim) instead.
 */
import { createHash } from 'node:crypto';
import vm from 'node:vm';
import type { ConsoleBoard } from '../../host/sim/console/board.ts';

export class ScriptBoard implements ConsoleBoard {
  readonly files = new Map<string, Buffer>();
  private outputListeners = new Set<(line: string) => void>();
  private rebootListeners = new Set<(banner: string) => void>();
  private globals = new Map<string, unknown>();
  private context!: vm.Context;
  version = '2v29';
  capacity = 900_000;
  /** Every line evaluated (tests look at what the host sent). */
  readonly evaluated: string[] = [];

  constructor() {
    this.fresh();
  }

  private fresh(): void {
    const board = this;
    const storage = {
      read(name: string, offset = 0, length?: number) {
        const file = board.files.get(name);
        if (!file) return undefined;
        return file.subarray(offset, length === undefined ? undefined : offset + length).toString('latin1');
      },
      write(name: string, data: string | Uint8Array, offset = 0, size?: number) {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
        board.writeFile(name, bytes, offset, size ?? bytes.length);
        return true;
      },
      erase(name: string) {
        board.files.delete(name);
      },
      list() {
        return [...board.files.keys()];
      },
      getFree() {
        return board.storageFree();
      },
    };
    const crypto = { SHA256: (data: string) => new Uint8Array(createHash('sha256').update(Buffer.from(data, 'latin1')).digest()).buffer };
    const sandbox: Record<string, unknown> = {
      print: (...args: unknown[]) => this.emitOutput(args.map(String).join(' ')),
      require: (name: string) => {
        if (name === 'Storage') return storage;
        if (name === 'crypto') return crypto;
        throw new Error(`Module ${name} not found`);
      },
      process: { get env() { return { VERSION: board.version, BOARD: 'ESP32' }; } },
      load: () => setImmediate(() => this.reboot()),
      E: { emit: (event: string, value: unknown) => ((sandbox as { lastPacket?: unknown }).lastPacket = { event, value }) },
      clearTimeout: () => undefined,
      clearInterval: () => undefined,
      btoa: (s: string) => Buffer.from(s, 'latin1').toString('base64'),
      atob: (s: string) => Buffer.from(s, 'base64').toString('latin1'),
    };
    sandbox.global = sandbox;
    this.context = vm.createContext(sandbox);
    for (const [name, value] of this.globals) this.context[name] = value;
  }

  reboot(): void {
    this.fresh();
    for (const listener of this.rebootListeners) listener(`Espruino ${this.version} (virtual)`);
    const boot = this.files.get('.bootcde');
    if (boot) {
      try {
        this.evaluate(boot.toString('latin1'));
      } catch (error) {
        this.emitOutput('Uncaught ' + String(error));
      }
    }
  }

  private emitOutput(line: string): void {
    for (const listener of this.outputListeners) listener(line);
  }

  evaluate(code: string): unknown {
    this.evaluated.push(code);
    return vm.runInContext(code, this.context);
  }

  onOutput(listener: (line: string) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  onReboot(listener: (banner: string) => void): () => void {
    this.rebootListeners.add(listener);
    return () => this.rebootListeners.delete(listener);
  }

  readFile(name: string): Buffer | undefined {
    return this.files.get(name);
  }

  writeFile(name: string, data: Buffer, offset: number, size: number): void {
    let file = this.files.get(name);
    if (offset === 0 || !file) {
      file = Buffer.alloc(size, 0xff);
      this.files.set(name, file);
    }
    data.copy(file, offset);
  }

  storageFree(): number {
    let used = 0;
    for (const file of this.files.values()) used += file.length;
    return this.capacity - used;
  }

  env(): { VERSION: string; BOARD: string } {
    return { VERSION: this.version, BOARD: 'ESP32' };
  }

  defineGlobal(name: string, value: unknown): void {
    this.globals.set(name, value);
    this.context[name] = value;
  }
}

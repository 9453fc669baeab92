/**
 * The board as the device layer sees it: the narrow port through which a boot's session, the
 * Espruino objects it installs and the require() modules reach the chip's parts (clock, Storage,
 * pins, I2C, meter) and report back (console output, warnings, deep sleep, power loss, watchdog).
 *
 * VirtualBoard implements BoardPort and hands itself down when it boots; device/ and modules/
 * depend on this file alone, never on board.ts, so the arrows run one way:
 * board -> device -> modules -> port. The module contract (ModuleContext, ModuleFactory) lives
 * here too, because the port carries the extra modules a board was given.
 */
import type { Board } from '../boards.ts';
import type { BoardIo } from './board-io.ts';
import type { VirtualClock } from './clock.ts';
import type { Meter } from './meter.ts';
import type { Realm } from './sandbox.ts';
import type { I2CBus } from './sensors/i2c-bus.ts';
import type { FlashStorage, PowerLoss } from './storage.ts';

export type HaltReason = 'deepsleep' | 'powerloss' | 'restart' | 'watchdog';

/** Thrown through firmware code to stop it: the chip is no longer running JS. */
export class BoardHalt {
  constructor(readonly reason: HaltReason) {}
  toString(): string {
    return `[board halted: ${this.reason}]`;
  }
}

/** node:vm's timeout error: a piece of firmware JS ran past the watchdog. */
export function isScriptTimeout(error: unknown): boolean {
  return !!error && typeof error === 'object' && (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** Simulated durations of operations that have no JS-visible timer (ms of virtual time). */
export interface CostModel {
  /** From wake (or reset) to the first line of boot code: ROM, bootloader, Espruino init. */
  bootMs: number;
  sha256Ms: number;
  flashWriteMsPerKb: number;
  compactMs: number;
}

/** What a module (or the network) needs of the live boot: refuse effects once halted, and its realm. */
export interface SessionPort {
  readonly realm: Realm;
  /** Throws BoardHalt once the board has halted. */
  guard(): void;
  /** A JS Error of the sandbox's realm. */
  error(message: string): Error;
}

export interface ModuleContext {
  board: BoardPort;
  session: SessionPort;
  realm: Realm;
}

/** Called once per boot with the session's context; what it returns is what require() gives. */
export type ModuleFactory = (ctx: ModuleContext) => unknown;

export interface BoardPort {
  /** The board description (pins, memory, Espruino version). */
  readonly board: Board;
  readonly clock: VirtualClock;
  readonly storage: FlashStorage;
  readonly io: BoardIo;
  readonly i2c: I2CBus;
  readonly meter: Meter;
  readonly costs: CostModel;
  readonly env: Record<string, string | number | boolean>;
  /** require() modules given to this board (win over the built-in registry). */
  readonly extraModules: Record<string, ModuleFactory>;
  /** The live boot, if any. */
  readonly session: SessionPort | undefined;
  /** The watchdog for one evaluation (0: none). */
  readonly callTimeoutMs: number;
  readonly wakeCause: number;
  /** Console echo; echo(0) turns it off. */
  echo: boolean;
  /** JsVars unavailable right now (e.g. Wi-Fi up). */
  jsVarPenalty: number;
  chipTemperatureRaw: number;

  /** getTime() × 1000. */
  getTimeMs(): number;
  setTimeMs(ms: number): void;
  /** Time the sensors' signal sources see. */
  sensorTimeMs(): number;
  /** Queues a firmware callback to run at the current virtual time. */
  post(fn: unknown, args?: unknown[], label?: string): void;
  /** Holds virtual time to real time while real I/O is in flight; returns the release function. */
  hold(): () => void;
  /** Board events ('sleep', 'powerloss', 'watchdog', 'boot', ...). */
  on(event: string, listener: (...args: any[]) => void): unknown;

  emitOutput(text: string): void;
  warn(message: string): void;
  noteHaltedEffect(reason: string): void;
  noteUncaught(error: unknown): void;
  enterDeepSleep(ms: number, pin?: { pin: string; level: boolean }): void;
  powerLost(error: PowerLoss): void;
  watchdogReset(reason: string): void;
}

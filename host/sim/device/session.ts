/**
 * One boot of the virtual board: a fresh sandbox with Espruino's globals, alive from power-on or
 * wake until deep sleep, reset or power loss. Everything in RAM (the context, its timers, the
 * E.on handlers) belongs to the session and dies with it; only Storage and the board's
 * peripherals outlive it.
 *
 * A session that has HALTED (deep sleep called, power lost, reset requested) refuses every
 * further device effect: each device API first calls guard(), which throws BoardHalt. That
 * unwinds firmware that keeps running after ESP32.deepSleep(); if firmware swallows it, its later
 * prints and writes are still ignored and the board records a warning.
 */
import type vm from 'node:vm';
import { createSandbox, type Realm } from '../sandbox.ts';
import { formatPrintArgs, formatUncaught } from '../format.ts';
import { PowerLoss } from '../storage.ts';
import { ESPRUINO_GLOBALS } from '../../espruino/globals.ts';
import { BoardHalt, isScriptTimeout, type BoardPort, type HaltReason } from '../port.ts';

// Long-standing import place for these; they live with the port now.
export { BoardHalt, isScriptTimeout, type HaltReason };

type Listener = (...args: unknown[]) => unknown;

export class DeviceSession {
  readonly context: vm.Context;
  readonly realm: Realm;
  halted: HaltReason | undefined;
  /** Handlers registered with E.on(event, fn), by event. */
  readonly events = new Map<string, Listener[]>();
  readonly errorFlags = new Set<string>();
  /** Bytes of code run in this session (boot files, evaluations): for the memory estimate. */
  codeBytes = 0;
  watchdog: { timeoutMs: number; auto: boolean; lastKickMs: number } | undefined;
  /** Set by load()/reset()/E.reboot(): what to do once the current evaluation returns. */
  pendingRestart: { kind: 'load' | 'reset' | 'reboot'; eraseFlash: boolean } | undefined;
  /** Extra device objects modules or tests may need (e.g. the net helper's sockets). */
  readonly extras = new Map<string, unknown>();

  /** Use startSession() (start.ts): it also installs the Espruino objects, hardware and require(). */
  constructor(readonly board: BoardPort) {
    const { context, realm } = createSandbox({ nowMs: () => board.getTimeMs() }, `spruce ${board.board.id}`);
    this.context = context;
    this.realm = realm;
    this.installConsoleAndTimers(realm.global);
  }

  /** Names present right after setup: the memory estimate counts only what firmware adds. */
  readonly builtinNames: ReadonlySet<string> = new Set(ESPRUINO_GLOBALS);

  /** Call first in every device API: refuses effects after the board halted. */
  guard(): void {
    if (this.halted) {
      this.board.noteHaltedEffect(this.halted);
      throw new BoardHalt(this.halted);
    }
  }

  /** Stops this session's JS for good. */
  halt(reason: HaltReason): void {
    if (this.halted) return;
    this.halted = reason;
    this.board.clock.clearAll();
  }

  /** A JS Error of the sandbox's realm (so `instanceof Error` holds in firmware). */
  error(message: string): Error {
    return new this.realm.Error(message);
  }

  /** Writes console output as the device does (print adds "\r\n"; "\n" becomes "\r\n"). */
  print(text: string): void {
    this.board.emitOutput(text.replace(/\r?\n/g, '\r\n'));
  }

  emit(event: string, args: unknown[]): void {
    const handlers = this.events.get(event);
    if (!handlers) return;
    for (const handler of [...handlers]) this.callFirmware(handler, args, `E.on('${event}')`);
  }

  /**
   * Runs firmware code (a callback or source text) the way the idle loop does: exceptions that
   * reach the top are printed as "Uncaught ...", promise jobs run before returning.
   * Returns false if the board halted meanwhile.
   */
  callFirmware(fn: unknown, args: unknown[], label: string): boolean {
    if (this.halted) return false;
    try {
      if (typeof fn === 'string') {
        this.codeBytes += fn.length;
        this.realm.evaluate(fn, label, this.board.callTimeoutMs);
      } else {
        this.realm.invoke(fn, args, this.board.callTimeoutMs);
      }
    } catch (error) {
      this.handleTopLevelError(error);
    }
    return !this.halted;
  }

  /** What the interpreter does with an exception nobody caught. */
  handleTopLevelError(error: unknown): void {
    if (error instanceof BoardHalt) return;
    if (error instanceof PowerLoss) {
      this.board.powerLost(error);
      return;
    }
    if (isScriptTimeout(error)) {
      this.board.watchdogReset('a script ran longer than the watchdog allows (infinite loop?)');
      return;
    }
    if (this.halted) return;
    this.print(`${formatUncaught(error)}\n`);
    this.board.noteUncaught(error);
  }

  private installConsoleAndTimers(g: Record<string, unknown>): void {
    const session = this;
    const clock = this.board.clock;
    const printFn = function print(...args: unknown[]): void {
      session.guard();
      session.print(`${formatPrintArgs(args)}\n`);
    };
    g.print = printFn;
    const console = new this.realm.Object() as Record<string, unknown>;
    console.log = printFn;
    console.info = printFn;
    console.warn = printFn;
    console.error = printFn;
    console.debug = printFn;
    g.console = console;

    const addTimer = (repeat: boolean) => (callback: unknown, ms?: unknown, ...args: unknown[]): number => {
      session.guard();
      if (typeof callback !== 'function' && typeof callback !== 'string') {
        throw session.error('Function or String not supplied!');
      }
      return clock.add(
        () => session.callFirmware(callback, args, repeat ? 'setInterval' : 'setTimeout'),
        Number(ms ?? 0),
        repeat,
        [],
      );
    };
    g.setTimeout = addTimer(false);
    g.setInterval = addTimer(true);
    const clear = (...ids: unknown[]): void => {
      session.guard();
      // Espruino: no argument at all clears every timer; an undefined id clears nothing.
      if (ids.length === 0) clock.clearAll();
      else clock.clear(ids[0]);
    };
    g.clearTimeout = clear;
    g.clearInterval = clear;
    g.getTime = function getTime(): number {
      return session.board.getTimeMs() / 1000;
    };
    g.setTime = function setTime(seconds: unknown): void {
      session.guard();
      session.board.setTimeMs(Number(seconds) * 1000);
    };
    g.echo = function echo(on: unknown): void {
      session.guard();
      session.board.echo = !!on;
    };
    g.btoa = function btoa(text: unknown): string {
      return Buffer.from(String(text), 'latin1').toString('base64');
    };
    g.atob = function atob(text: unknown): string {
      return Buffer.from(String(text), 'base64').toString('latin1');
    };
    g.reset = function reset(clearFlash?: unknown): void {
      session.guard();
      // Like the device, the reset happens once the current command has finished.
      session.pendingRestart = { kind: 'reset', eraseFlash: !!clearFlash };
    };
    g.load = function load(): void {
      session.guard();
      session.pendingRestart = { kind: 'load', eraseFlash: false };
    };
    g.save = function save(): void {
      session.guard();
      // save() refuses if .bootcde exists (ESPRUINO.md section 3); spruce always has one.
      if (session.board.storage.exists('.bootcde')) {
        throw session.error('Unable to save: .bootcde exists (remove it with require("Storage").erase(".bootcde"))');
      }
      throw session.error('save() of the interpreter state is not emulated by the virtual board: write code to .bootcde');
    };
    g.dump = function dump(): void {
      session.guard();
      session.print('// dump() is not emulated by the virtual board\n');
    };
    g.trace = function trace(): void {
      session.guard();
    };
  }
}

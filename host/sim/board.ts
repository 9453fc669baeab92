/**
 * The virtual board: runs the exact bundle that would be uploaded, in a sandbox whose globals are
 * Espruino's, on a virtual clock, with Storage that survives deep sleep (and, with storagePath,
 * the host process) and emulated I2C sensors.
 *
 * Life cycle, as on an ESP32 (ESPRUINO.md section 3):
 *   off --powerOn/boot--> awake --ESP32.deepSleep(us)--> asleep --timer--> awake (cause 4) ...
 * Every boot is a NEW sandbox: RAM and JS state are gone; only Storage and the sensors (separate
 * chips) remain. Boot runs .boot0-.boot3, then .bootcde, then E.on('init') handlers, then onInit().
 *
 * Events: 'output' (text as the console sends it, "\r\n" line ends), 'boot' ({cause}),
 * 'sleep' ({sleepMs, awakeMs}), 'wake' ({cause}), 'powerloss', 'warning' (text),
 * 'uncaught' (text), 'halt' (reason).
 */
import { EventEmitter } from 'node:events';
import { loadBoard, type Board } from '../boards.ts';
import { SpruceError } from '../errors.ts';
import { BoardIo } from './board-io.ts';
import { VirtualClock } from './clock.ts';
import { BoardHalt, isScriptTimeout, type BoardPort, type CostModel, type ModuleFactory } from './port.ts';
import type { DeviceSession } from './device/session.ts';
import { startSession } from './device/start.ts';
import { formatUncaught } from './format.ts';
import { Meter, type MeterReading } from './meter.ts';
import { compileCached } from './sandbox.ts';
import { defaultSensors, type SensorOptions } from './sensors/index.ts';
import { I2CBus } from './sensors/i2c-bus.ts';
import { FlashStorage, PowerLoss, bytesOf } from './storage.ts';
import { runFor, runUntilSleep, runWakes, type BoardState, type RunControl, type RunnableBoard, type WakeResult } from './scheduler.ts';
import type { InstallInput, InstallTarget } from './install.ts';

// These types live with the code that uses them (the device port, the scheduler, the installer);
// re-exported here, where users of the board have always found them.
export type { BoardState, CostModel, InstallInput, WakeResult };

export const DEFAULT_COSTS: CostModel = { bootMs: 250, sha256Ms: 0.2, flashWriteMsPerKb: 5, compactMs: 200 };

export interface VirtualBoardOptions {
  board?: Board;
  /** Host file backing Storage (absent = in memory). */
  storagePath?: string;
  /** Virtual time at power-on, ms (getTime() reports it in seconds). Default 0. */
  startTimeMs?: number;
  sensors?: SensorOptions;
  /** Extra require() modules by name (win over the built-in registry). */
  modules?: Record<string, ModuleFactory>;
  onOutput?: (text: string) => void;
  /** Extra process.env entries. */
  env?: Record<string, string | number | boolean>;
  costs?: Partial<CostModel>;
  /** Real-time limit for one piece of JS (boot code, a callback, a REPL line): the watchdog. */
  scriptTimeoutMs?: number;
}

const OUTPUT_LOG_LIMIT = 64 * 1024;

/** An exception that reached the top of code passed to evaluate(). */
export class DeviceException extends Error {
  constructor(readonly value: unknown, readonly text: string) {
    super(text);
    this.name = 'DeviceException';
  }
}

export class VirtualBoard extends EventEmitter implements BoardPort, RunnableBoard, InstallTarget {
  readonly board: Board;
  readonly clock: VirtualClock;
  readonly storage: FlashStorage;
  readonly i2c = new I2CBus();
  readonly io = new BoardIo();
  readonly meter: Meter;
  readonly costs: CostModel;
  readonly startTimeMs: number;
  readonly extraModules: Record<string, ModuleFactory>;
  readonly env: Record<string, string | number | boolean>;
  readonly scriptTimeoutMs: number;
  /** @internal True while the scheduler runs a burst: nested evaluations need no own timeout. */
  bursting = false;
  readonly warnings: string[] = [];
  state: BoardState = 'off';
  session: DeviceSession | undefined;
  wakeCause = 0;
  /** Console echo (echo(0) turns it off); the console layer reads it. */
  echo = true;
  /** JsVars unavailable right now (e.g. Wi-Fi up costs ~2000): set by the network modules. */
  jsVarPenalty = 0;
  chipTemperatureRaw = 53;
  /** The last ~64 KB of console output, for tests and post-mortems. */
  outputLog = '';
  /** When the current wake began (before the boot cost) and when a sleep ends. */
  wokeAtMs = 0;
  wakeAtMs: number | undefined;
  pinWake: { pin: string; level: boolean } | undefined;
  /** @internal scheduler state */
  readonly control: RunControl = { queue: [], holds: 0, wakeUp: undefined };
  private timeOffsetMs = 0;
  private haltWarned = false;

  constructor(options: VirtualBoardOptions = {}) {
    super();
    this.board = options.board ?? loadBoard('virtual');
    this.startTimeMs = options.startTimeMs ?? 0;
    this.clock = new VirtualClock(this.startTimeMs);
    this.meter = new Meter(() => this.clock.nowMs);
    this.storage = new FlashStorage({ capacityBytes: this.board.storage.bytes, pageBytes: this.board.storage.pageBytes, path: options.storagePath });
    this.costs = { ...DEFAULT_COSTS, ...options.costs };
    this.extraModules = options.modules ?? {};
    this.env = options.env ?? {};
    this.scriptTimeoutMs = options.scriptTimeoutMs ?? 10_000;
    if (options.onOutput) this.on('output', options.onOutput);
    for (const device of defaultSensors(options.sensors ?? {})) this.i2c.attach(device);
    for (const [pin, source] of Object.entries(options.sensors?.adc ?? {})) this.io.adc.set(pin, source);
  }

  // ---- install and boot -------------------------------------------------------------------

  /** Writes the app to Storage as the flasher would: the bundle as .bootcde plus extra files. */
  install(app: InstallInput): void {
    if (typeof app.bundle !== 'string' || app.bundle.length === 0) {
      throw new SpruceError('E_SIM_INSTALL', 'install() needs the bundle text', { hint: 'build the app first (spruce build)', exit: 'USAGE' });
    }
    this.storage.erase('.bootcde');
    this.storage.write('.bootcde', bytesOf(app.bundle));
    for (const [name, content] of Object.entries(app.files ?? {})) {
      this.storage.erase(name);
      this.storage.write(name, typeof content === 'string' ? bytesOf(content) : content);
    }
  }

  /** Starts a fresh boot with the given wake-up cause (0 = power-on / reset). */
  boot(cause = 0, options: { bootFiles?: string[]; chargeBootCost?: boolean } = {}): void {
    if (this.session && !this.session.halted) this.session.halt('restart');
    this.clock.clearAll();
    this.control.queue.length = 0;
    this.io.clearBootState();
    this.wakeCause = cause;
    this.wakeAtMs = undefined;
    this.pinWake = undefined;
    this.haltWarned = false;
    if (this.state !== 'awake') {
      this.wokeAtMs = this.clock.nowMs;
      this.state = 'awake';
      this.meter.setState('awake');
      this.emit('wake', { cause });
    }
    if (options.chargeBootCost ?? true) this.clock.advanceBy(this.costs.bootMs);
    const session = startSession(this);
    this.session = session;
    this.emit('boot', { cause });
    for (const name of options.bootFiles ?? ['.boot0', '.boot1', '.boot2', '.boot3', '.bootcde']) {
      const code = this.storage.readString(name);
      if (code === undefined) continue;
      session.codeBytes += code.length;
      try {
        session.realm.evaluate(compileCached(code, name), name, this.callTimeoutMs);
      } catch (error) {
        session.handleTopLevelError(error);
      }
      if (session.halted) return;
    }
    session.emit('init', []);
    const onInit = session.realm.global.onInit;
    if (!session.halted && typeof onInit === 'function') session.callFirmware(onInit, [], 'onInit');
    this.afterFirmware();
  }

  /** Power-cycles: Storage stays, everything else restarts (wake cause 0). */
  reset(): void {
    this.state = 'off';
    this.meter.setState('off');
    this.boot(0);
  }

  // ---- running ------------------------------------------------------------------------------

  /**
   * Runs one wake: boots if off, wakes if asleep, then runs timers until ESP32.deepSleep() (or
   * the board goes idle with no timers, or maxMs of awake time pass).
   */
  runUntilSleep(options: { maxMs?: number; speed?: number } = {}): Promise<WakeResult> {
    return runUntilSleep(this, options);
  }

  /**
   * Runs n wakes; a wake ends in deep sleep, power loss or a watchdog reset (the next one is then a
   * cold boot). Stops early if a wake ends awake with nothing scheduled, or after maxMs awake.
   */
  runWakes(n: number, options: { speed?: number; maxMs?: number; onWake?: (result: WakeResult, index: number) => void } = {}): Promise<WakeResult[]> {
    return runWakes(this, n, options);
  }

  /** Runs the board for a span of virtual time, through as many wakes and sleeps as happen. */
  runFor(span: { hours?: number; minutes?: number; ms?: number; speed?: number }): Promise<MeterReading> {
    return runFor(this, span);
  }

  /** Evaluates code in the live context, as the REPL does; returns its value or throws DeviceException. */
  evaluate(code: string): unknown {
    const session = this.session;
    if (this.state !== 'awake' || !session || session.halted) {
      throw new SpruceError('E_SIM_ASLEEP', `the virtual board is ${this.state === 'awake' ? 'halting' : this.state}: nothing runs code now`, {
        hint: 'run it until it wakes (runUntilSleep) or reset() it',
        exit: 'DEVICE',
      });
    }
    session.codeBytes += code.length;
    let value: unknown;
    try {
      value = session.realm.evaluate(code, 'REPL', this.scriptTimeoutMs);
    } catch (error) {
      if (error instanceof BoardHalt || error instanceof PowerLoss || isScriptTimeout(error)) {
        session.handleTopLevelError(error);
        this.afterFirmware();
        return undefined;
      }
      throw new DeviceException(error, formatUncaught(error));
    }
    this.afterFirmware();
    return value;
  }

  /** Queues a firmware callback to run at the current virtual time (from the idle loop). */
  post(fn: unknown, args: unknown[] = [], label = 'event'): void {
    this.control.queue.push({ fn, args, label, session: this.session });
    this.control.wakeUp?.();
  }

  /**
   * Emits an event to the firmware's E.on(event, handler) handlers from the idle loop, e.g. the
   * console's EVENT packets (E.on('packet', data)). Plain data arguments are copied into the
   * sandbox's realm.
   */
  emitEvent(event: string, ...args: unknown[]): void {
    const session = this.session;
    if (!session || session.halted) return;
    const realmArgs = args.map((arg) => session.realm.toRealm(arg));
    this.control.queue.push({ run: () => session.emit(event, realmArgs), fn: undefined, args: [], label: `E.on('${event}')`, session });
    this.control.wakeUp?.();
  }

  /**
   * Runs firmware code (a function or source text, e.g. "ack(3,0)" as the host types it) after
   * `delayMs` of virtual time, if the board is still in the same boot then.
   */
  postAfter(delayMs: number, fn: unknown, args: unknown[] = [], label = 'host'): void {
    const session = this.session;
    if (!session || session.halted) return;
    this.clock.add(() => {
      if (this.session === session) session.callFirmware(fn, args, label);
    }, delayMs, false, []);
  }

  /** Holds virtual time to real time while real I/O is in flight; returns the release function. */
  hold(): () => void {
    this.control.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.control.holds--;
      this.control.wakeUp?.();
    };
  }

  // ---- called by the device layer ------------------------------------------------------------

  /** @internal The watchdog for one evaluation: none inside a burst (the burst has one). */
  get callTimeoutMs(): number {
    return this.bursting ? 0 : this.scriptTimeoutMs;
  }

  /** @internal */
  afterFirmware(): void {
    const restart = this.session?.pendingRestart;
    if (!restart || !this.session) return;
    this.session.pendingRestart = undefined;
    this.session.emit('kill', []);
    this.session.halt('restart');
    if (restart.kind === 'reboot') {
      this.state = 'off';
      this.meter.setState('off');
      this.boot(0);
    } else if (restart.kind === 'reset') {
      if (restart.eraseFlash) this.storage.eraseAll();
      this.boot(this.wakeCause, { bootFiles: ['.bootrst'], chargeBootCost: false });
    } else {
      this.boot(this.wakeCause, { chargeBootCost: false });
    }
  }

  /** @internal ESP32.deepSleep: the session stops; the board sleeps until the timer (or pin). */
  enterDeepSleep(ms: number, pin?: { pin: string; level: boolean }): void {
    const sleepMs = Number.isFinite(ms) && ms > 0 ? ms : ms === Infinity ? Infinity : 0;
    this.session?.halt('deepsleep');
    const awakeMs = this.clock.nowMs - this.wokeAtMs;
    this.state = 'asleep';
    this.meter.setState('asleep');
    this.wakeAtMs = sleepMs === Infinity ? undefined : this.clock.nowMs + sleepMs;
    this.pinWake = pin;
    this.emit('sleep', { sleepMs, awakeMs });
  }

  /** @internal A cut armed with storage.failAfterBytes struck: the board is off. */
  powerLost(error: PowerLoss): void {
    this.session?.halt('powerloss');
    this.state = 'off';
    this.meter.setState('off');
    this.emit('powerloss', { file: error.file, bytesWritten: error.bytesWritten });
  }

  /** @internal */
  watchdogReset(reason: string): void {
    this.warn(`watchdog reset: ${reason}`);
    this.session?.halt('watchdog');
    this.state = 'off';
    this.meter.setState('off');
    this.emit('watchdog', { reason });
  }

  /** @internal */
  noteHaltedEffect(reason: string): void {
    if (this.haltWarned) return;
    this.haltWarned = true;
    this.warn(`firmware kept running after the board halted (${reason}); its further effects were ignored`);
  }

  /** @internal */
  noteUncaught(error: unknown): void {
    this.emit('uncaught', formatUncaught(error));
  }

  warn(message: string): void {
    if (this.warnings.length < 1000 && !this.warnings.includes(message)) this.warnings.push(message);
    this.emit('warning', message);
  }

  /** @internal */
  emitOutput(text: string): void {
    this.outputLog = (this.outputLog + text).slice(-OUTPUT_LOG_LIMIT);
    this.emit('output', text);
  }

  // ---- time, pins, serial ---------------------------------------------------------------

  /** getTime() × 1000: virtual time plus whatever setTime() changed. */
  getTimeMs(): number {
    return this.clock.nowMs + this.timeOffsetMs;
  }

  setTimeMs(ms: number): void {
    if (Number.isFinite(ms)) this.timeOffsetMs = ms - this.clock.nowMs;
  }

  /** Time the sensors' signal sources see: ms since the simulation started. */
  sensorTimeMs(): number {
    return this.clock.nowMs - this.startTimeMs;
  }

  /** Host side: drives an input pin; fires setWatch callbacks and pin wake-ups. */
  setPin(pin: string, level: boolean): void {
    const before = this.io.inputs.get(pin) ?? false;
    this.io.inputs.set(pin, level);
    if (before === level) return;
    if (this.state === 'asleep' && this.pinWake && this.pinWake.pin === pin && this.pinWake.level === level) {
      this.wakeAtMs = this.clock.nowMs;
      this.pinWake = undefined;
      return;
    }
    const time = this.getTimeMs() / 1000;
    for (const watch of this.io.takeTriggered(pin, level)) {
      const lastTime = watch.lastTime;
      watch.lastTime = time;
      const event = this.session?.realm.toRealm({ state: level, time, lastTime });
      this.post(watch.callback, [event], 'setWatch');
    }
  }

  /** Host side: data arriving on a serial port for firmware that listens with Serial1.on('data'). */
  serialInput(data: string, port = 'Serial1'): boolean {
    const handlers = this.io.serialHandlers(port, 'data');
    for (const handler of handlers) this.post(handler, [data], `${port}.on('data')`);
    return handlers.length > 0;
  }

  get awake(): boolean {
    return this.state === 'awake';
  }
}

/**
 * The Espruino objects of the virtual board: E (native helpers, events, watchdog, error flags),
 * ESP32 (deep sleep, light sleep, wake-up cause) and process (memory estimate, env).
 */
import { crc32 } from 'node:zlib';
import { createNatives } from '../../espruino/natives.ts';
import { estimateGlobalVars, estimateValueVars } from './memory.ts';
import type { DeviceSession } from './session.ts';
import { BoardHalt } from '../port.ts';
import { bytesOf, PowerLoss } from '../storage.ts';

/** Code costs about 0.1 JsVar per byte (ESPRUINO.md section 2). */
export const VARS_PER_CODE_BYTE = 0.1;

export interface MemoryReport {
  free: number;
  usage: number;
  total: number;
  history: number;
  gc: number;
  gctime: number;
  blocksize: number;
}

/** The estimate behind process.memory() (see memory.ts for how it is made). */
export function estimateMemory(session: DeviceSession): MemoryReport {
  const board = session.board.board;
  const total = Math.max(0, board.memory.jsVars - session.board.jsVarPenalty);
  const usage =
    board.memory.reservedJsVars +
    Math.ceil(session.codeBytes * VARS_PER_CODE_BYTE) +
    estimateGlobalVars(session.realm.global, session.builtinNames);
  if (usage > total) session.errorFlags.add('MEMORY');
  else if (usage > total * 0.9) session.errorFlags.add('LOW_MEMORY');
  return { free: Math.max(0, total - usage), usage, total, history: 0, gc: 0, gctime: 0, blocksize: board.memory.jsVarBytes };
}

export function installEspruinoObjects(session: DeviceSession, g: Record<string, unknown>): void {
  const { realm, board } = session;
  const natives = createNatives(realm);
  /** Host errors from the natives become the sandbox's own Error objects. */
  const native = <A extends unknown[], R>(fn: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      session.guard();
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof PowerLoss) {
          board.powerLost(error);
          throw new BoardHalt('powerloss');
        }
        if (error instanceof BoardHalt || !(error instanceof Error)) throw error;
        if ((error as unknown) instanceof realm.Error) throw error;
        throw session.error((error as Error).message);
      }
    };

  const E = new realm.Object() as Record<string, unknown>;
  E.sum = native(natives.sum);
  E.variance = native(natives.variance);
  E.convolve = native(natives.convolve);
  E.mapInPlace = native(natives.mapInPlace);
  E.FFT = native(natives.FFT);
  E.toUint8Array = native(natives.toUint8Array);
  E.toArrayBuffer = native((text: unknown) => new realm.Uint8Array(bytesOf(String(text))).buffer);
  E.toString = native((...args: unknown[]) => Buffer.from(natives.toUint8Array(...args)).toString('latin1'));
  E.toJS = native((value: unknown) => JSON.stringify(value));
  E.clip = native((x: number, min: number, max: number) => Math.min(Math.max(Number(x), Number(min)), Number(max)));
  // Espruino's E.CRC32 is the zlib/IEEE CRC-32, unsigned: Node's own computes the same number.
  E.CRC32 = native((data: unknown) => crc32(natives.toUint8Array(data)));
  E.hwRand = native(() => (Math.random() * 0x100000000) | 0);
  E.getSizeOf = native((value: unknown) => 1 + estimateValueVars(value, new Set()));
  E.getTemperature = native(() => board.chipTemperatureRaw);
  E.setClock = native(() => 0); // not implemented on ESP32 (ESPRUINO.md section 3)
  E.setTimeZone = native((_hours: unknown) => undefined);
  E.getConsole = native(() => 'Serial1');
  E.setConsole = native(() => undefined);
  E.getErrorFlags = native(() => {
    const flags = realm.array([...session.errorFlags]);
    session.errorFlags.clear();
    return flags;
  });
  E.enableWatchdog = native((seconds: unknown, isAuto?: unknown) => {
    let s = Number(seconds);
    if (!(s >= 0)) s = 1;
    // Whole seconds on ESP32 (ESPRUINO.md): the fraction is dropped, with a floor of 1 s.
    const timeoutMs = Math.max(1, Math.floor(s)) * 1000;
    session.watchdog = { timeoutMs, auto: isAuto === undefined || !!isAuto, lastKickMs: board.clock.nowMs };
  });
  E.kickWatchdog = native(() => {
    if (session.watchdog) session.watchdog.lastKickMs = board.clock.nowMs;
  });
  E.on = native((event: unknown, handler: unknown) => {
    if (typeof handler !== 'function') throw new Error('Expecting a function');
    const name = String(event);
    const list = session.events.get(name) ?? [];
    list.push(handler as (...args: unknown[]) => unknown);
    session.events.set(name, list);
  });
  E.addListener = E.on;
  E.removeListener = native((event: unknown, handler: unknown) => {
    const list = session.events.get(String(event));
    if (list) session.events.set(String(event), list.filter((h) => h !== handler));
  });
  E.removeAllListeners = native((event?: unknown) => {
    if (event === undefined) session.events.clear();
    else session.events.delete(String(event));
  });
  E.emit = native((event: unknown, ...args: unknown[]) => {
    const list = session.events.get(String(event)) ?? [];
    for (const handler of [...list]) handler(...args); // synchronous, like Espruino's emit
  });
  E.setBootCode = native((code: unknown, alwaysExec?: unknown) => {
    const storage = board.storage;
    const name = alwaysExec ? '.bootrst' : '.bootcde';
    storage.erase('.bootcde');
    storage.erase('.bootrst');
    const text = typeof code === 'string' ? code : '';
    if (text.length > 0) storage.write(name, bytesOf(text));
  });
  E.reboot = native(() => {
    session.pendingRestart = { kind: 'reboot', eraseFlash: false };
  });
  g.E = E;

  const ESP32 = new realm.Object() as Record<string, unknown>;
  ESP32.deepSleep = function deepSleep(microseconds: unknown): never {
    session.guard();
    board.enterDeepSleep(Number(microseconds) / 1000);
    throw new BoardHalt('deepsleep');
  };
  ESP32.deepSleepExt0 = function deepSleepExt0(pin: unknown, level: unknown): never {
    session.guard();
    board.enterDeepSleep(Infinity, { pin: String(pin), level: !!level });
    throw new BoardHalt('deepsleep');
  };
  ESP32.getWakeupCause = native(() => board.wakeCause);
  /**
   * Light sleep (ESPRUINO.md section 3: `lightSleep(ms)`, keeps RAM): blocks for `ms` of virtual
   * time metered as light sleep, then the same wake goes on. Nothing runs meanwhile, as on the
   * chip: timers that fall due during it fire late, in due order, once the calling code returns
   * to the event loop (the scheduler takes overdue timers first); console input waits likewise.
   */
  ESP32.lightSleep = native((ms: unknown) => {
    const wait = Number(ms);
    if (!(wait > 0)) return;
    board.meter.setState('lightSleep');
    board.clock.advanceBy(wait);
    board.meter.setState('awake');
  });
  ESP32.getState = native(() => {
    const memory = estimateMemory(session);
    return realm.toRealm({
      sdkVersion: 'v4.4.8 (virtual)',
      cpuFrequency: 160,
      freeHeap: memory.free * memory.blocksize + 40000,
      maxBlock: memory.free * memory.blocksize,
    });
  });
  ESP32.reboot = native(() => {
    session.pendingRestart = { kind: 'reboot', eraseFlash: false };
  });
  g.ESP32 = ESP32;

  const processObject = new realm.Object() as Record<string, unknown>;
  processObject.version = board.board.espruino.version;
  processObject.env = realm.toRealm({
    VERSION: board.board.espruino.version,
    BOARD: board.board.espruino.build,
    CONSOLE: 'Serial1',
    SPRUCE_BOARD: board.board.id,
    VIRTUAL: true,
    ...board.env,
  });
  processObject.memory = native((_gc?: unknown) => realm.toRealm(estimateMemory(session)));
  processObject.on = native(() => undefined);
  g.process = processObject;
}

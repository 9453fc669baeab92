/**
 * Espruino (2v29, ESP32 build) globals that spruce firmware uses: EXACTLY these and no more.
 *
 * firmware/tsconfig.json compiles with lib ES5 plus this file, so anything Espruino lacks at run
 * time (Map, Set, Symbol, Array.from, Math.imul, Number.isInteger, Object.freeze, ...) fails to
 * type-check instead of failing on the board. Ground truth: /work/shared/ESPRUINO.md.
 * The dialect guard of the build (host/espruino/globals.ts) checks the emitted bundle as well.
 *
 * Rules for adding a declaration: only what the board really has (ESPRUINO.md section 1, or
 * Espruino's reference), only what spruce code calls, and a one-line note when it is surprising.
 * Test: firmware/hal/espruino-typings.test.ts.
 */

// ---------------------------------------------------------------------------------------------
// ES2015+ members Espruino has that lib ES5 lacks (ESPRUINO.md section 1, "Works like Node").

interface Array<T> {
  includes(searchElement: T, fromIndex?: number): boolean;
  find(predicate: (value: T, index: number, obj: T[]) => boolean): T | undefined;
  findIndex(predicate: (value: T, index: number, obj: T[]) => boolean): number;
  fill(value: T, start?: number, end?: number): this;
}

interface ObjectConstructor {
  assign<T extends {}, U>(target: T, source: U): T & U;
  assign<T extends {}, U, V>(target: T, source1: U, source2: V): T & U & V;
  values<T>(o: { [key: string]: T }): T[];
  entries<T>(o: { [key: string]: T }): [string, T][];
}

interface String {
  padStart(maxLength: number, fillString?: string): string;
}

/** Minimal Promise (the Promise interface itself is in lib ES5): then/catch/all/resolve/reject
 * exist; race/allSettled/finally do not. */
interface PromiseConstructor {
  new <T>(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: any) => void) => void): Promise<T>;
  all<T>(values: (T | PromiseLike<T>)[]): Promise<T[]>;
  resolve<T>(value: T | PromiseLike<T>): Promise<T>;
  resolve(): Promise<void>;
  reject<T = never>(reason?: any): Promise<T>;
}
declare var Promise: PromiseConstructor;

// ---------------------------------------------------------------------------------------------
// Console, time, timers.

/** Prints its arguments separated by spaces and a newline on the console (Serial1 or Telnet). */
declare function print(...text: any[]): void;
declare var console: { log(...text: any[]): void };
/** Seconds since the board started (or since setTime), as a float. */
declare function getTime(): number;
declare function setTimeout(callback: () => void, ms: number): number;
declare function setInterval(callback: () => void, ms: number): number;
declare function clearTimeout(id?: number): void;
declare function clearInterval(id?: number): void;
/** Base64 to an 8-bit string (the MQTT downlink decodes files with it). */
declare function atob(base64: string): string;
/** The global object: firmware publishes REPL-callable functions (ack) on it. */
declare var global: { [name: string]: any };

// ---------------------------------------------------------------------------------------------
// E: Espruino's utility object (native helpers: ~10x cheaper than a JS loop over the same data).

type EspruinoNumbers = ArrayLike<number>;
type EspruinoErrorFlag = 'FIFO_FULL' | 'BUFFER_FULL' | 'CALLBACK' | 'LOW_MEMORY' | 'MEMORY' | 'MEMORY_BUSY' | 'UART_OVERFLOW';

declare var E: {
  /** Plain sum as a double. */
  sum(arr: EspruinoNumbers): number;
  /** The SUM of squared deviations from `mean` (not divided by the length). */
  variance(arr: EspruinoNumbers, mean: number): number;
  /** Σ a[i] * b[(i + offset) % b.length] over i < a.length: a circular dot product. */
  convolve(a: EspruinoNumbers, b: EspruinoNumbers, offset: number): number;
  /** to[i] = map[from[i]] (0 when out of range); a function map is called per element. */
  mapInPlace(from: EspruinoNumbers, to: EspruinoNumbers, map: EspruinoNumbers | ((value: number) => number), bits?: number): void;
  /** In place; forward transform is divided by N. Use Float32Array/Float64Array buffers. */
  FFT(re: EspruinoNumbers, im?: EspruinoNumbers, inverse?: boolean): void;
  toUint8Array(...data: any[]): Uint8Array;
  /** zlib's CRC-32 of the bytes (an ArrayBuffer, typed array, array or string), unsigned. */
  CRC32(data: any): number;
  /** A flat string of the bytes given, or undefined when no flat string can be allocated. */
  toString(...data: any[]): string | undefined;
  getErrorFlags(): EspruinoErrorFlag[];
  /** Whole seconds. */
  enableWatchdog(timeoutSeconds: number, isAuto?: boolean): void;
  kickWatchdog(): void;
  on(event: 'init' | 'kill', callback: () => void): void;
  on(event: 'errorFlag', callback: (flags: EspruinoErrorFlag[]) => void): void;
  on(event: string, callback: (...args: any[]) => void): void;
};

// ---------------------------------------------------------------------------------------------
// ESP32 specifics.

declare var ESP32: {
  /** Never returns: the chip reboots on wake; RAM and all JS state are lost. */
  deepSleep(microseconds: number): void;
  /** 0 normal boot, 2/3 pin (ext0/ext1), 4 timer. */
  getWakeupCause(): number;
  /**
   * Light sleep for `ms` milliseconds (ESPRUINO.md section 3): RAM and JS state kept, blocks
   * until the timer wakes the chip. Optional: check before use (not in every Espruino build).
   */
  lightSleep?(ms: number): void;
};

declare var process: {
  memory(gc?: boolean): { free: number; usage: number; total: number; history: number; gc?: number; gctime?: number; blocksize?: number };
  env: { VERSION: string; BOARD: string; [key: string]: any };
};

// ---------------------------------------------------------------------------------------------
// Pins and I2C.

interface Pin {
  read(): boolean;
  write(value: boolean): void;
  getInfo(): any;
}
declare function analogRead(pin: Pin): number;
declare var D0: Pin; declare var D1: Pin; declare var D2: Pin; declare var D3: Pin; declare var D4: Pin;
declare var D5: Pin; declare var D12: Pin; declare var D13: Pin; declare var D14: Pin; declare var D15: Pin;
declare var D16: Pin; declare var D17: Pin; declare var D18: Pin; declare var D19: Pin; declare var D21: Pin;
declare var D22: Pin; declare var D23: Pin; declare var D25: Pin; declare var D26: Pin; declare var D27: Pin;
declare var D32: Pin; declare var D33: Pin; declare var D34: Pin; declare var D35: Pin; declare var D36: Pin;
declare var D37: Pin; declare var D38: Pin; declare var D39: Pin;

interface I2CSetup {
  scl?: Pin;
  sda?: Pin;
  bitrate?: number;
}
declare class I2C {
  constructor();
  setup(options: I2CSetup): void;
  /** Throws on NAK ("I2C Error: ..."): callers turn that into a value. */
  writeTo(address: number | { address: number; stop: boolean }, ...data: (number | string | ArrayLike<number>)[]): void;
  readFrom(address: number | { address: number; stop: boolean }, quantity: number): Uint8Array;
}
declare var I2C1: I2C;

// ---------------------------------------------------------------------------------------------
// Modules reached with require().

interface EspruinoStorageFile {
  read(length: number): string | undefined;
  readLine(): string | undefined;
  write(data: string): void;
  getLength(): number;
  erase(): void;
}
interface EspruinoStorage {
  /** Memory-mapped string of the whole file (a fixed-size file reads 0xFF where unwritten). */
  read(name: string, offset?: number, length?: number): string | undefined;
  readJSON(name: string, noExceptions?: boolean): any;
  /** Maps flash directly: costs no RAM. */
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  /**
   * Creates/replaces a file; with offset (and size at creation) fills bytes of a fixed-size file
   * that are still unwritten (0xFF) without copying the file.
   */
  write(name: string, data: string | ArrayBuffer | ArrayBufferView, offset?: number, size?: number): boolean;
  writeJSON(name: string, data: any): boolean;
  erase(name: string): void;
  list(): string[];
  /** Erases old copies (Storage is journaling); slow, run it rarely. */
  compact(showMessage?: boolean): void;
  getFree(): number;
  open(name: string, mode: 'r' | 'w' | 'a'): EspruinoStorageFile;
}

interface EspruinoCrypto {
  /** In the ESP32 build; absent from some others: check before use. */
  SHA256?: (message: string | ArrayBuffer | ArrayBufferView) => ArrayBuffer;
}

interface EspruinoSocket {
  write(data: string | ArrayBuffer | ArrayBufferView): boolean;
  end(data?: string): void;
  on(event: 'data', callback: (data: string) => void): void;
  on(event: 'connect' | 'close' | 'end' | 'drain', callback: () => void): void;
  on(event: 'error', callback: (error: any) => void): void;
}
interface EspruinoNet {
  connect(options: { host: string; port: number }, callback?: () => void): EspruinoSocket;
}

interface EspruinoWifi {
  /** Reports only "Bad password"; other failures retry silently, so callers need a timeout. */
  connect(ssid: string, options: { password?: string }, callback: (error: string | null) => void): void;
  disconnect(callback?: () => void): void;
  getIP(): { ip: string; netmask: string; gw: string; mac: string };
  on(event: 'connected' | 'disconnected' | 'dhcp_timeout', callback: (details?: any) => void): void;
  save(what?: 'clear'): void;
}

declare function require(module: 'Storage'): EspruinoStorage;
declare function require(module: 'crypto'): EspruinoCrypto;
declare function require(module: 'net'): EspruinoNet;
/** TLS sockets (mbedTLS in the ESP32 build; the handshake needs tens of KB of heap). */
declare function require(module: 'tls'): { connect(options: { host: string; port: number; ca?: string }, callback?: () => void): EspruinoSocket };
declare function require(module: 'Wifi'): EspruinoWifi;

/**
 * Pins, ADC, I2C, and the other peripherals of the virtual board. I2C reaches the emulated
 * sensors on the board's bus (host/sim/sensors) only through the board's I2C pins (SCL D22 /
 * SDA D21 on ESP32), so a driver set up on the wrong pins sees nothing, as on the hardware.
 * analogRead works only on ADC pins (D32-D39 on ESP32).
 */
import { createNatives } from '../../espruino/natives.ts';
import { I2CError } from '../sensors/i2c-bus.ts';
import type { DeviceSession } from './session.ts';

/** Bits a byte costs on the I2C bus (8 data + ACK). */
const BITS_PER_I2C_BYTE = 9;

export function pinNumber(pin: unknown): number | undefined {
  if (typeof pin === 'number' && Number.isInteger(pin)) return pin;
  if (pin && typeof pin === 'object' && typeof (pin as { pinNumber?: unknown }).pinNumber === 'number') return (pin as { pinNumber: number }).pinNumber;
  if (typeof pin === 'string' && /^D\d+$/.test(pin)) return Number(pin.slice(1));
  return undefined;
}

export function installHardware(session: DeviceSession, g: Record<string, unknown>): void {
  const { realm, board } = session;
  const natives = createNatives(realm);
  const guarded = <A extends unknown[], R>(fn: (...args: A) => R) =>
    function (this: unknown, ...args: A): R {
      session.guard();
      return fn.apply(this, args);
    };

  // ---- pins ------------------------------------------------------------------------------
  const pinProto = new realm.Object() as Record<string | symbol, unknown>;
  const pins: Record<number, Record<string, unknown>> = {};
  const makePin = (n: number): Record<string, unknown> => {
    if (pins[n]) return pins[n]!;
    const pin = realm.Object.create(pinProto) as Record<string, unknown>;
    realm.Object.defineProperty(pin, 'pinNumber', { value: n, enumerable: false });
    pins[n] = pin;
    return pin;
  };
  const toPin = (value: unknown): number => {
    const n = pinNumber(value);
    if (n === undefined || n < 0 || n > 39) throw session.error(`Invalid pin: ${String(value)}`);
    return n;
  };
  const name = (n: number) => `D${n}`;
  pinProto.toString = function (this: { pinNumber: number }) { return name(this.pinNumber); };
  pinProto.valueOf = function (this: { pinNumber: number }) { return this.pinNumber; };
  pinProto[Symbol.toPrimitive] = function (this: { pinNumber: number }, hint: string) {
    return hint === 'number' ? this.pinNumber : name(this.pinNumber);
  };
  pinProto.read = guarded(function (this: { pinNumber: number }) { return board.io.readPin(name(this.pinNumber)); });
  pinProto.write = guarded(function (this: { pinNumber: number }, v: unknown) { board.io.writePin(name(this.pinNumber), !!v); });
  pinProto.set = guarded(function (this: { pinNumber: number }) { board.io.writePin(name(this.pinNumber), true); });
  pinProto.reset = guarded(function (this: { pinNumber: number }) { board.io.writePin(name(this.pinNumber), false); });
  pinProto.toggle = guarded(function (this: { pinNumber: number }) {
    const next = !board.io.readPin(name(this.pinNumber));
    board.io.writePin(name(this.pinNumber), next);
    return next;
  });
  pinProto.mode = guarded(function (this: { pinNumber: number }, mode: unknown) { board.io.pinModes.set(name(this.pinNumber), String(mode)); });
  pinProto.getMode = guarded(function (this: { pinNumber: number }) { return board.io.pinModes.get(name(this.pinNumber)) ?? 'input'; });
  pinProto.getInfo = guarded(function (this: { pinNumber: number }) {
    const id = name(this.pinNumber);
    const adc = board.board.pins.adc.includes(id);
    return realm.toRealm({ port: 'D', num: this.pinNumber, ...(adc ? { analog: { ADC: 1, channel: board.board.pins.adc.indexOf(id) } } : {}) });
  });
  const Pin = function Pin(value: unknown) { return makePin(toPin(value)); } as unknown as { prototype: unknown; (...args: unknown[]): unknown };
  Pin.prototype = pinProto;
  pinProto.constructor = Pin;
  g.Pin = Pin;
  for (let n = 0; n < 40; n++) g[`D${n}`] = makePin(n);
  const led = pinNumber(board.board.pins.led ?? 'D2');
  g.LED1 = makePin(led ?? 2);
  g.BTN1 = makePin(0);
  g.HIGH = 1;
  g.LOW = 0;

  g.digitalRead = guarded((pin: unknown) => (board.io.readPin(name(toPin(pin))) ? 1 : 0));
  g.digitalWrite = guarded((pin: unknown, value: unknown) => board.io.writePin(name(toPin(pin)), !!value));
  g.digitalPulse = guarded((pin: unknown, value: unknown, _time: unknown) => board.io.writePin(name(toPin(pin)), !value));
  g.pinMode = guarded((pin: unknown, mode: unknown) => { board.io.pinModes.set(name(toPin(pin)), String(mode)); });
  g.getPinMode = guarded((pin: unknown) => board.io.pinModes.get(name(toPin(pin))) ?? 'input');
  g.analogWrite = guarded((pin: unknown, value: unknown) => board.io.writePin(name(toPin(pin)), Number(value) >= 0.5));
  g.analogRead = guarded((pin: unknown) => {
    const id = name(toPin(pin));
    if (!board.board.pins.adc.includes(id)) {
      throw session.error(`Pin ${id} is not an ADC pin (analogRead works on ${board.board.pins.adc.join(', ')})`);
    }
    return board.io.readAdc(id, board.sensorTimeMs());
  });
  g.setWatch = guarded((callback: unknown, pin: unknown, options?: unknown) => {
    if (typeof callback !== 'function' && typeof callback !== 'string') throw session.error('Function or String not supplied!');
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { repeat?: unknown; edge?: unknown };
    return board.io.addWatch(name(toPin(pin)), callback, !!opts.repeat, String(opts.edge ?? 'both'), board.getTimeMs() / 1000);
  });
  g.clearWatch = guarded((id?: unknown) => board.io.clearWatch(id));

  // ---- I2C -------------------------------------------------------------------------------
  const i2cProto = new realm.Object() as Record<string, unknown>;
  type I2CState = { scl?: number; sda?: number; bitrate: number; setup: boolean; label: string };
  const stateOf = new WeakMap<object, I2CState>();
  const i2cState = (self: object): I2CState => {
    let st = stateOf.get(self);
    if (!st) {
      st = { bitrate: 100_000, setup: false, label: 'I2C' };
      stateOf.set(self, st);
    }
    return st;
  };
  const wiredToBus = (st: I2CState): boolean => {
    const { scl, sda } = board.board.pins.i2c;
    return st.scl === pinNumber(scl) && st.sda === pinNumber(sda);
  };
  const transact = <T>(self: object, bytes: number, run: () => T): T => {
    const st = i2cState(self);
    if (!st.setup) board.warn(`${st.label} used before setup(): call ${st.label}.setup({scl, sda})`);
    board.clock.advanceBy((bytes * BITS_PER_I2C_BYTE * 1000) / st.bitrate);
    if (st.setup && !wiredToBus(st)) throw session.error(`I2C Error: no device answers on SCL D${st.scl} / SDA D${st.sda} (the sensors are on ${board.board.pins.i2c.scl}/${board.board.pins.i2c.sda})`);
    try {
      return run();
    } catch (error) {
      if (error instanceof I2CError) throw session.error(`I2C Error: ${error.message}`);
      throw error;
    }
  };
  const addressOf = (address: unknown): number => {
    const a = typeof address === 'object' && address !== null ? (address as { address?: unknown }).address : address;
    const n = Number(a);
    if (!Number.isInteger(n) || n < 0 || n > 0x7f) throw session.error(`Invalid I2C address ${String(a)}`);
    return n;
  };
  i2cProto.setup = guarded(function (this: object, options?: unknown) {
    const st = i2cState(this);
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { scl?: unknown; sda?: unknown; bitrate?: unknown };
    st.scl = pinNumber(opts.scl ?? board.board.pins.i2c.scl);
    st.sda = pinNumber(opts.sda ?? board.board.pins.i2c.sda);
    st.bitrate = Number(opts.bitrate) > 0 ? Number(opts.bitrate) : 100_000;
    st.setup = true;
  });
  i2cProto.writeTo = guarded(function (this: object, address: unknown, ...data: unknown[]) {
    const bytes = natives.toUint8Array(...data);
    const host = new Uint8Array(bytes);
    transact(this, host.length + 1, () => board.i2c.writeTo(addressOf(address), host, board.sensorTimeMs()));
  });
  i2cProto.readFrom = guarded(function (this: object, address: unknown, quantity: unknown) {
    const count = Math.max(0, Math.trunc(Number(quantity)) || 0);
    const data = transact(this, count + 1, () => board.i2c.readFrom(addressOf(address), count, board.sensorTimeMs()));
    return new realm.Uint8Array(data);
  });
  const I2C = function I2C(this: unknown) {
    const obj = realm.Object.create(i2cProto) as object;
    i2cState(obj).label = 'I2C (software)';
    return obj;
  } as unknown as { prototype: unknown; (...args: unknown[]): unknown };
  I2C.prototype = i2cProto;
  i2cProto.constructor = I2C;
  g.I2C = I2C;
  for (const label of ['I2C1', 'I2C2']) {
    const bus = realm.Object.create(i2cProto) as object;
    i2cState(bus).label = label;
    g[label] = bus;
  }

  // ---- SPI, serial ports, OneWire, memory access: present, with nothing attached -----------
  const spiProto = new realm.Object() as Record<string, unknown>;
  spiProto.setup = guarded(() => undefined);
  spiProto.write = guarded(() => undefined);
  spiProto.send = guarded((data: unknown) => {
    const n = natives.toUint8Array(data).length;
    return typeof data === 'string' ? '\xff'.repeat(n) : new realm.Uint8Array(n).fill(0xff);
  });
  const SPI = function SPI() { return realm.Object.create(spiProto); } as unknown as { prototype: unknown; (...args: unknown[]): unknown };
  SPI.prototype = spiProto;
  g.SPI = SPI;
  g.SPI1 = realm.Object.create(spiProto);
  g.SPI2 = realm.Object.create(spiProto);

  const serial = (label: string, isConsole: boolean) => {
    const port = new realm.Object() as Record<string, unknown>;
    const out = (text: string) => { if (isConsole) session.print(text); };
    port.setup = guarded(() => undefined);
    port.print = guarded((text: unknown) => out(String(text)));
    port.println = guarded((text: unknown) => out(`${String(text)}\n`));
    port.write = guarded((...data: unknown[]) => out(Buffer.from(natives.toUint8Array(...data)).toString('latin1')));
    port.on = guarded((event: unknown, handler: unknown) => board.io.addSerialListener(label, String(event), handler));
    port.removeAllListeners = guarded(() => board.io.serialListeners.delete(label));
    port.available = guarded(() => 0);
    port.read = guarded(() => '');
    port.setConsole = guarded(() => undefined);
    return port;
  };
  g.Serial1 = serial('Serial1', true);
  g.Serial2 = serial('Serial2', false);
  g.Serial3 = serial('Serial3', false);
  g.Serial = function Serial() { return serial('Serial', false); };
  g.LoopbackA = serial('LoopbackA', false);
  g.LoopbackB = serial('LoopbackB', false);
  g.Telnet = serial('Telnet', false);

  const OneWire = function OneWire() {
    const ow = new realm.Object() as Record<string, unknown>;
    ow.reset = guarded(() => false); // no device answers the presence pulse
    ow.search = guarded(() => realm.array([]));
    ow.select = guarded(() => undefined);
    ow.skip = guarded(() => undefined);
    ow.write = guarded(() => undefined);
    ow.read = guarded(() => 0xff);
    return ow;
  };
  g.OneWire = OneWire;

  const peek = guarded((address: unknown) => {
    board.warn(`peek at 0x${Number(address).toString(16)}: memory is not emulated, returning 0`);
    return 0;
  });
  const poke = guarded((address: unknown) => {
    board.warn(`poke at 0x${Number(address).toString(16)}: memory is not emulated, ignored`);
  });
  g.peek8 = peek; g.peek16 = peek; g.peek32 = peek;
  g.poke8 = poke; g.poke16 = poke; g.poke32 = poke;
}

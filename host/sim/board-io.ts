/**
 * The virtual board's pins and serial ports as the host sees them: input levels a test sets,
 * outputs the firmware drives, ADC sources, setWatch() registrations and serial 'data'
 * listeners. Watches and listeners belong to one boot (they live in RAM); pin levels and ADC
 * sources belong to the board.
 */
import type { SignalSource } from './sensors/signals.ts';

export interface Watch {
  id: number;
  pin: string;
  callback: unknown;
  repeat: boolean;
  edge: string;
  lastTime: number;
}

/** ESP32 ADC: 12 bits over about 3.3 V full scale; analogRead gives raw / 4095. */
const ADC_FULL_SCALE_VOLTS = 3.3;
const ADC_MAX = 4095;

export class BoardIo {
  /** Levels of input pins as set by the host (tests, scenarios). */
  readonly inputs = new Map<string, boolean>();
  /** Levels the firmware drove. */
  readonly outputs = new Map<string, boolean>();
  readonly pinModes = new Map<string, string>();
  readonly adc = new Map<string, SignalSource>();
  watches: Watch[] = [];
  serialListeners = new Map<string, Map<string, unknown[]>>();
  private nextWatchId = 1;

  readPin(pin: string): boolean {
    return this.outputs.get(pin) ?? this.inputs.get(pin) ?? false;
  }

  writePin(pin: string, level: boolean): void {
    this.outputs.set(pin, level);
  }

  /** analogRead's value: the source's `volts` quantised like the 12-bit ADC, as a 0..1 fraction. */
  readAdc(pin: string, tMs: number): number {
    const source = this.adc.get(pin);
    const volts = source ? (source(tMs).volts ?? 0) : 0;
    const raw = Math.max(0, Math.min(ADC_MAX, Math.round((volts / ADC_FULL_SCALE_VOLTS) * ADC_MAX)));
    return raw / ADC_MAX;
  }

  addWatch(pin: string, callback: unknown, repeat: boolean, edge: string, nowS: number): number {
    const id = this.nextWatchId++;
    this.watches.push({ id, pin, callback, repeat, edge, lastTime: nowS });
    return id;
  }

  clearWatch(id: unknown): void {
    if (id === undefined) this.watches = [];
    else this.watches = this.watches.filter((w) => w.id !== Number(id));
  }

  /** Watches that fire for a level change on `pin`; one-shot watches are removed. */
  takeTriggered(pin: string, level: boolean): Watch[] {
    const fired = this.watches.filter((w) => w.pin === pin && (w.edge === 'both' || (w.edge === 'rising') === level));
    this.watches = this.watches.filter((w) => !fired.includes(w) || w.repeat);
    return fired;
  }

  addSerialListener(port: string, event: string, handler: unknown): void {
    const events = this.serialListeners.get(port) ?? new Map<string, unknown[]>();
    events.set(event, [...(events.get(event) ?? []), handler]);
    this.serialListeners.set(port, events);
  }

  serialHandlers(port: string, event: string): unknown[] {
    return this.serialListeners.get(port)?.get(event) ?? [];
  }

  /** RAM-held registrations die with the boot. */
  clearBootState(): void {
    this.watches = [];
    this.serialListeners.clear();
    this.outputs.clear();
    this.pinModes.clear();
  }
}

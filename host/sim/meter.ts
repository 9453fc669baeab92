/**
 * Counts what a power estimate needs, in virtual time: wakes, time awake and asleep, and radio
 * on-time. The board marks every power-state change; whoever drives the radio (the virtual
 * Wi-Fi/net modules) calls radioOn()/radioOff(). The radio is forced off when the board sleeps
 * (light or deep) or loses power, as the hardware does.
 *
 * 'lightSleep' is ESP32.lightSleep(ms): RAM kept, the CPU clock-gated, the same wake goes on
 * afterwards, so coming back from it is not a new wake.
 */
export type PowerState = 'off' | 'awake' | 'lightSleep' | 'asleep';

export interface MeterReading {
  wakes: number;
  awakeMs: number;
  /** Time in light sleep (inside wakes; not counted in awakeMs). */
  lightSleepMs: number;
  asleepMs: number;
  offMs: number;
  radioMs: number;
  radioSessions: number;
}

export class Meter {
  wakes = 0;
  awakeMs = 0;
  lightSleepMs = 0;
  asleepMs = 0;
  offMs = 0;
  radioMs = 0;
  radioSessions = 0;
  private state: PowerState = 'off';
  private since: number;
  private radioSince: number | undefined;

  constructor(private readonly now: () => number) {
    this.since = now();
  }

  get powerState(): PowerState {
    return this.state;
  }

  get radioIsOn(): boolean {
    return this.radioSince !== undefined;
  }

  /** Brings the counters up to the current time without changing state. */
  sync(): void {
    const t = this.now();
    const elapsed = t - this.since;
    if (elapsed > 0) {
      if (this.state === 'awake') this.awakeMs += elapsed;
      else if (this.state === 'lightSleep') this.lightSleepMs += elapsed;
      else if (this.state === 'asleep') this.asleepMs += elapsed;
      else this.offMs += elapsed;
    }
    this.since = t;
    if (this.radioSince !== undefined && t > this.radioSince) {
      this.radioMs += t - this.radioSince;
      this.radioSince = t;
    }
  }

  setState(state: PowerState): void {
    this.sync();
    if (state === 'awake' && (this.state === 'asleep' || this.state === 'off')) this.wakes++;
    if (state !== 'awake') this.radioOff();
    this.state = state;
  }

  radioOn(): void {
    this.sync();
    if (this.radioSince === undefined) {
      this.radioSince = this.now();
      this.radioSessions++;
    }
  }

  radioOff(): void {
    this.sync();
    this.radioSince = undefined;
  }

  reading(): MeterReading {
    this.sync();
    return {
      wakes: this.wakes,
      awakeMs: this.awakeMs,
      lightSleepMs: this.lightSleepMs,
      asleepMs: this.asleepMs,
      offMs: this.offMs,
      radioMs: this.radioMs,
      radioSessions: this.radioSessions,
    };
  }
}

/**
 * Counts what a power estimate needs, in virtual time: wakes, time awake and asleep, and radio
 * on-time. The board marks every power-state change; whoever drives the radio (the virtual
 * Wi-Fi/net modules) calls radioOn()/radioOff(). The radio is forced off when the board sleeps
 * or loses power, as the hardware does.
 */
export type PowerState = 'off' | 'awake' | 'asleep';

export interface MeterReading {
  wakes: number;
  awakeMs: number;
  asleepMs: number;
  offMs: number;
  radioMs: number;
  radioSessions: number;
}

export class Meter {
  wakes = 0;
  awakeMs = 0;
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
    if (state === 'awake' && this.state !== 'awake') this.wakes++;
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
      asleepMs: this.asleepMs,
      offMs: this.offMs,
      radioMs: this.radioMs,
      radioSessions: this.radioSessions,
    };
  }
}

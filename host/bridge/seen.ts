/**
 * Which (boot, seq) pairs each device has already had accepted: the replay filter.
 *
 * Deep sleep is a reboot, so a device's outbox may hold messages from many boots and resend them in
 * any order after a reconnect. Per device and boot we keep a floor (every seq below it was seen)
 * plus the seen seqs above the floor, which collapse into the floor as gaps fill. Memory is bounded
 * on purpose, and the bounds are the stated policy:
 *  - at most MAX_BOOTS boots per device; older boots are forgotten and anything from a boot below
 *    the oldest kept one is treated as a replay (a device never resends from that far back);
 *  - at most MAX_ABOVE_FLOOR seqs above a boot's floor; past that the floor jumps to the lowest
 *    one, so a seq that never arrived in time counts as seen (a late copy is rejected as a replay).
 * The state is persisted by the WAL (snapshot + log), so a bridge restart keeps rejecting replays.
 */

export const MAX_BOOTS = 1024;
export const MAX_ABOVE_FLOOR = 4096;

interface BootWindow {
  floor: number;
  above: Set<number>;
}

interface DeviceWindow {
  /** Boots below this are forgotten: treated as replays. */
  minBoot: number;
  boots: Map<number, BootWindow>;
}

export type SeenVerdict = 'new' | 'seen' | 'stale';

/** The JSON form stored in WAL snapshots. */
export type SeenSnapshot = Record<string, { minBoot: number; boots: Array<[boot: number, floor: number, above: number[]]> }>;

export class SeenState {
  private devices = new Map<string, DeviceWindow>();

  check(dev: string, boot: number, seq: number): SeenVerdict {
    const device = this.devices.get(dev);
    if (!device) return 'new';
    if (boot < device.minBoot) return 'stale';
    const window = device.boots.get(boot);
    if (!window) return 'new';
    return seq < window.floor || window.above.has(seq) ? 'seen' : 'new';
  }

  /** Records a pair; returns false if it was already seen (or stale). */
  add(dev: string, boot: number, seq: number): boolean {
    let device = this.devices.get(dev);
    if (!device) {
      device = { minBoot: 0, boots: new Map() };
      this.devices.set(dev, device);
    }
    if (boot < device.minBoot) return false;
    let window = device.boots.get(boot);
    if (!window) {
      window = { floor: 0, above: new Set() };
      device.boots.set(boot, window);
      if (device.boots.size > MAX_BOOTS) this.forgetOldestBoot(device);
    }
    if (seq < window.floor || window.above.has(seq)) return false;
    if (seq === window.floor) {
      window.floor++;
      while (window.above.delete(window.floor)) window.floor++;
    } else {
      window.above.add(seq);
      if (window.above.size > MAX_ABOVE_FLOOR) {
        // Give up on the oldest gap: the floor jumps to the lowest seq seen above it.
        let lowest = Infinity;
        for (const s of window.above) if (s < lowest) lowest = s;
        window.floor = lowest;
        while (window.above.delete(window.floor)) window.floor++;
      }
    }
    return true;
  }

  get deviceCount(): number {
    return this.devices.size;
  }

  toJSON(): SeenSnapshot {
    const out: SeenSnapshot = {};
    for (const [dev, device] of this.devices) {
      out[dev] = { minBoot: device.minBoot, boots: [...device.boots].map(([boot, w]) => [boot, w.floor, [...w.above]]) };
    }
    return out;
  }

  static fromJSON(snapshot: SeenSnapshot): SeenState {
    const state = new SeenState();
    for (const [dev, device] of Object.entries(snapshot)) {
      const boots = new Map<number, BootWindow>();
      for (const [boot, floor, above] of device.boots) boots.set(boot, { floor, above: new Set(above) });
      state.devices.set(dev, { minBoot: device.minBoot, boots });
    }
    return state;
  }

  private forgetOldestBoot(device: DeviceWindow): void {
    let oldest = Infinity;
    for (const boot of device.boots.keys()) if (boot < oldest) oldest = boot;
    device.boots.delete(oldest);
    device.minBoot = oldest + 1;
  }
}

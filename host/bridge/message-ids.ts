/**
 * MQTT packet ids for QoS 1 publishes that are never handed out twice while in flight.
 *
 * MQTT.js's default provider counts 1..65535 and wraps without looking, so a message still waiting
 * for its PUBACK can be silently replaced by a newer one with the same id. Its UniqueMessageIdProvider
 * is correct but costs a tree search per id. The bridge never has more than `window` (< 65,535)
 * messages in flight, so counting forward and skipping ids still in use is both correct and O(1)
 * amortised; allocate() returns null (MQTT.js then waits) only if all 65,535 are in use.
 */
import type { IMessageIdProvider } from 'mqtt/lib/default-message-id-provider';

const MAX_ID = 65535;

export class WindowedMessageIdProvider implements IMessageIdProvider {
  /** 1 where the id is in flight (a byte per id, not a Set: allocate/free run once per message). */
  private readonly inUse = new Uint8Array(MAX_ID + 1);
  private used = 0;
  private next = 1;
  private last: number | null = null;

  allocate(): number | null {
    if (this.used >= MAX_ID) return null;
    for (;;) {
      const id = this.next;
      this.next = id === MAX_ID ? 1 : id + 1;
      if (this.inUse[id] === 0) {
        this.inUse[id] = 1;
        this.used++;
        this.last = id;
        return id;
      }
    }
  }

  getLastAllocated(): number | null {
    return this.last;
  }

  /** Claims an id chosen elsewhere (packets resent from the store after a reconnect). */
  register(id: number): boolean {
    if (!Number.isInteger(id) || id < 1 || id > MAX_ID || this.inUse[id] === 1) return false;
    this.inUse[id] = 1;
    this.used++;
    return true;
  }

  deallocate(id: number): void {
    if (id >= 1 && id <= MAX_ID && this.inUse[id] === 1) {
      this.inUse[id] = 0;
      this.used--;
    }
  }

  clear(): void {
    this.inUse.fill(0);
    this.used = 0;
  }

  get inUseCount(): number {
    return this.used;
  }
}

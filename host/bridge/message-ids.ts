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
  private readonly inUse = new Set<number>();
  private next = 1;
  private last: number | null = null;

  allocate(): number | null {
    if (this.inUse.size >= MAX_ID) return null;
    for (;;) {
      const id = this.next;
      this.next = id === MAX_ID ? 1 : id + 1;
      if (!this.inUse.has(id)) {
        this.inUse.add(id);
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
    if (this.inUse.has(id)) return false;
    this.inUse.add(id);
    return true;
  }

  deallocate(id: number): void {
    this.inUse.delete(id);
  }

  clear(): void {
    this.inUse.clear();
  }

  get inUseCount(): number {
    return this.inUse.size;
  }
}

/**
 * Cuts an MQTT byte stream into whole packets and decodes PUBACKs itself.
 *
 * Why: at bridge throughput almost every packet the broker sends back is a PUBACK, and profiling
 * showed mqtt-packet's streaming parser (buffer list, debug() calls, a generic packet object) as a
 * visible per-message cost. A PUBACK is 4–6 fixed bytes, so it is decoded here; every other packet
 * (CONNACK, DISCONNECT, PINGRESP, …) is handed whole to mqtt-packet's parser, which therefore never
 * holds a partial packet and keeps doing all the protocol work it is good at.
 */

/** PUBACK fixed-header byte (type 4, flags 0). */
const PUBACK = 0x40;

export interface SplitterHandlers {
  /** A PUBACK: packet id and (MQTT 5) reason code, 0 when absent. */
  puback(messageId: number, reasonCode: number): void;
  /** Any other packet, complete (fixed header included). */
  other(packet: Buffer): void;
}

export class PacketSplitter {
  private pending: Buffer | null = null;

  constructor(private readonly handlers: SplitterHandlers) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let offset = 0;
    while (offset < data.length) {
      // Remaining length: 1–4 bytes, 7 bits each, high bit = "more".
      let length = 0;
      let multiplier = 1;
      let cursor = offset + 1;
      let complete = false;
      for (let i = 0; i < 4 && cursor < data.length; i++) {
        const byte = data[cursor++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        // A fifth length byte is a protocol error: let the real parser report it.
        if (cursor - offset - 1 >= 4) {
          this.handlers.other(data.subarray(offset));
          return;
        }
        break;
      }
      const end = cursor + length;
      if (end > data.length) break;
      if (data[offset] === PUBACK && length >= 2) {
        this.handlers.puback(data.readUInt16BE(cursor), length >= 3 ? data[cursor + 2]! : 0);
      } else {
        this.handlers.other(data.subarray(offset, end));
      }
      offset = end;
    }
    // Keep a copy of the partial tail: the socket may reuse its chunk's memory.
    if (offset < data.length) this.pending = Buffer.from(data.subarray(offset));
  }

  /** Drops any partial packet (a new connection starts clean). */
  reset(): void {
    this.pending = null;
  }
}

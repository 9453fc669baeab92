/**
 * Splits what a board sends into what each consumer cares about: console text, ACK/NAK, XON/XOFF and
 * whole packets (RESPONSE, DATA...). The board interleaves all of these on one byte stream; text is
 * passed on with the control bytes removed, so a REPL or monitor never sees protocol noise.
 */
import { EventEmitter } from 'node:events';
import { ACK, DLE, NAK, PACKET_TIMEOUT_MS, SOH, XOFF, XON, decodeHeader, type Packet } from './packets.ts';

export interface RxEvents {
  text: [Buffer];
  ack: [];
  nak: [];
  xon: [];
  xoff: [];
  packet: [Packet];
  /** A packet started but did not complete in time: its bytes are dropped. */
  'packet-timeout': [];
}

export class RxDemux extends EventEmitter<RxEvents> {
  private pendingDle = false;
  private packet: { header: number[]; length: number; type: number; chunks: Buffer[]; received: number } | undefined;
  private packetTimer: NodeJS.Timeout | undefined;

  /** Forget any half-received packet (call when the link reopens). */
  reset(): void {
    this.pendingDle = false;
    this.packet = undefined;
    if (this.packetTimer) clearTimeout(this.packetTimer);
    this.packetTimer = undefined;
  }

  push(chunk: Buffer): void {
    let text: number[] = [];
    const flushText = () => {
      if (text.length > 0) {
        this.emit('text', Buffer.from(text));
        text = [];
      }
    };
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      const packet = this.packet;
      if (packet) {
        if (packet.header.length < 2) {
          packet.header.push(byte);
          if (packet.header.length === 2) {
            const { type, length } = decodeHeader(packet.header[0]!, packet.header[1]!);
            packet.type = type;
            packet.length = length;
            if (length === 0) this.finishPacket();
          }
          continue;
        }
        // Copy the rest of this packet's data in one slice.
        const take = Math.min(packet.length - packet.received, chunk.length - i);
        packet.chunks.push(chunk.subarray(i, i + take));
        packet.received += take;
        i += take - 1;
        if (packet.received === packet.length) this.finishPacket();
        continue;
      }
      if (this.pendingDle) {
        this.pendingDle = false;
        if (byte === SOH) {
          flushText();
          this.startPacket();
          continue;
        }
        text.push(DLE);
      }
      if (byte === DLE) {
        this.pendingDle = true;
      } else if (byte === ACK || byte === NAK || byte === XON || byte === XOFF) {
        flushText();
        this.emit(byte === ACK ? 'ack' : byte === NAK ? 'nak' : byte === XON ? 'xon' : 'xoff');
      } else {
        text.push(byte);
      }
    }
    flushText();
  }

  private startPacket(): void {
    this.packet = { header: [], length: 0, type: 0, chunks: [], received: 0 };
    this.packetTimer = setTimeout(() => {
      this.packet = undefined;
      this.packetTimer = undefined;
      this.emit('packet-timeout');
    }, PACKET_TIMEOUT_MS);
    this.packetTimer.unref();
  }

  private finishPacket(): void {
    const packet = this.packet!;
    this.packet = undefined;
    if (this.packetTimer) clearTimeout(this.packetTimer);
    this.packetTimer = undefined;
    this.emit('packet', { type: packet.type, data: Buffer.concat(packet.chunks) });
  }
}

/**
 * MQTT 3.1.1 decoding for the device (ES5): a streaming reader that turns whatever the socket
 * delivers (packets split or coalesced) into packets, and refuses or skips what the device cannot
 * hold. Encoding is in codec.ts.
 */
import {
  Packet,
  PACKET_CONNACK,
  PACKET_PUBLISH,
  PACKET_PUBACK,
  PACKET_SUBACK,
  PACKET_PINGRESP,
  bytesToString,
} from './codec';

/** A decoding failure: the stream is not MQTT we understand, and the connection must close. */
export interface DecodeError {
  ok: false;
  code: string;
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

/**
 * Decodes one complete packet body. `first` is the fixed-header byte, `body` the remaining bytes.
 * Returns the packet, or a DecodeError for malformed or unexpected input.
 */
export function decodeBody(first: number, body: Uint8Array): Packet | DecodeError {
  var type = first >> 4;
  var flags = first & 15;
  var len = body.length;
  if (type === PACKET_CONNACK) {
    if (len !== 2) return { ok: false, code: 'E_MQTT_MALFORMED' };
    return { type: type, sessionPresent: (body[0] & 1) === 1, returnCode: body[1] };
  }
  if (type === PACKET_PUBLISH) {
    var qos = (flags >> 1) & 3;
    if (qos === 3 || len < 2) return { ok: false, code: 'E_MQTT_MALFORMED' };
    var topicLen = readU16(body, 0);
    var at = 2 + topicLen;
    if (at + (qos > 0 ? 2 : 0) > len) return { ok: false, code: 'E_MQTT_MALFORMED' };
    var p: Packet = {
      type: type,
      dup: (flags & 8) === 8,
      qos: qos,
      retain: (flags & 1) === 1,
      topic: bytesToString(body, 2, at),
    };
    if (qos > 0) {
      p.packetId = readU16(body, at);
      at += 2;
    }
    p.payload = bytesToString(body, at, len);
    return p;
  }
  if (type === PACKET_PUBACK) {
    if (len !== 2) return { ok: false, code: 'E_MQTT_MALFORMED' };
    return { type: type, packetId: readU16(body, 0) };
  }
  if (type === PACKET_SUBACK) {
    if (len < 3) return { ok: false, code: 'E_MQTT_MALFORMED' };
    var granted: number[] = [];
    for (var i = 2; i < len; i++) granted.push(body[i]);
    return { type: type, packetId: readU16(body, 0), granted: granted };
  }
  if (type === PACKET_PINGRESP) {
    if (len !== 0) return { ok: false, code: 'E_MQTT_MALFORMED' };
    return { type: type };
  }
  return { ok: false, code: 'E_MQTT_UNEXPECTED' };
}

export function isDecodeError(x: Packet | DecodeError): x is DecodeError {
  return (x as DecodeError).ok === false;
}

/**
 * Streaming decoder: feed it whatever the socket delivers (packets may be split or coalesced)
 * and it hands back every complete packet. Keeps at most one partial packet buffered.
 */
export class PacketReader {
  private buf: Uint8Array;
  private used: number;
  /** Bytes of an oversize PUBLISH still to be thrown away as they arrive. */
  private skipping: number;
  /** Largest packet accepted; a bigger one is refused rather than exhausting the device's RAM. */
  maxPacket: number;

  constructor(maxPacket?: number) {
    this.buf = new Uint8Array(64);
    this.used = 0;
    this.skipping = 0;
    this.maxPacket = maxPacket === undefined ? 8192 : maxPacket;
  }

  /** Appends bytes and returns the packets now complete, or a DecodeError (stream unusable). */
  push(bytes: Uint8Array): { packets: Packet[]; error?: DecodeError } {
    if (this.skipping > 0) {
      var dropped = Math.min(this.skipping, bytes.length);
      this.skipping -= dropped;
      bytes = bytes.subarray(dropped);
    }
    if (this.used + bytes.length > this.buf.length) {
      var size = this.buf.length;
      while (size < this.used + bytes.length) size = size * 2;
      var grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    var packets: Packet[] = [];
    var start = 0;
    for (;;) {
      var avail = this.used - start;
      if (avail < 2) break;
      // Remaining length: up to 4 bytes of 7 bits, least significant first.
      var remaining = 0;
      var mult = 1;
      var i = 1;
      var complete = false;
      while (i <= 4 && i < avail) {
        var digit = this.buf[start + i];
        remaining += (digit & 127) * mult;
        mult *= 128;
        i++;
        if ((digit & 128) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i > 4) return { packets: packets, error: { ok: false, code: 'E_MQTT_MALFORMED' } };
        break; // the length itself is still arriving
      }
      if (remaining > this.maxPacket) {
        // A PUBLISH too big for the device's RAM (say a downlink file) is not buffered: its topic
        // and packet id are kept so it can be acknowledged and refused, the payload is skipped as
        // it streams in. Anything else that big is not MQTT we can use.
        var first = this.buf[start];
        if (first >> 4 !== PACKET_PUBLISH) return { packets: packets, error: { ok: false, code: 'E_MQTT_TOO_BIG' } };
        var headAt = start + i;
        if (this.used - headAt < 2) break;
        var qosBits = (first >> 1) & 3;
        var head = 2 + ((this.buf[headAt] << 8) | this.buf[headAt + 1]) + (qosBits > 0 ? 2 : 0);
        if (head > this.maxPacket || head > remaining) return { packets: packets, error: { ok: false, code: 'E_MQTT_TOO_BIG' } };
        if (this.used - headAt < head) break;
        var headOnly = new Uint8Array(head);
        headOnly.set(this.buf.subarray(headAt, headAt + head));
        var cut = decodeBody(first, headOnly);
        if (isDecodeError(cut)) return { packets: packets, error: cut };
        cut.oversize = true;
        packets.push(cut);
        var inBuffer = this.used - headAt;
        if (inBuffer >= remaining) {
          start = headAt + remaining;
          continue;
        }
        this.skipping = remaining - inBuffer;
        start = this.used;
        break;
      }
      if (avail < i + remaining) break;
      var body = new Uint8Array(remaining);
      body.set(this.buf.subarray(start + i, start + i + remaining));
      var decoded = decodeBody(this.buf[start], body);
      if (isDecodeError(decoded)) return { packets: packets, error: decoded };
      packets.push(decoded);
      start += i + remaining;
    }
    if (start > 0) {
      // Move the partial tail to the front (copy: source and target may overlap).
      var tail = new Uint8Array(this.used - start);
      tail.set(this.buf.subarray(start, this.used));
      this.buf.set(tail, 0);
      this.used = tail.length;
    }
    return { packets: packets };
  }

  reset(): void {
    this.used = 0;
    this.skipping = 0;
  }
}

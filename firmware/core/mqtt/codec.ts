/**
 * MQTT 3.1.1 packet encoding and decoding for the device (ES5, Espruino dialect).
 *
 * Only what a sleeping sensor node needs: CONNECT/CONNACK, PUBLISH (QoS 0 and 1), PUBACK,
 * SUBSCRIBE/SUBACK, PINGREQ/PINGRESP and DISCONNECT. Bytes are Uint8Array; topics and payloads
 * are 8-bit strings (one char per byte), which is what Espruino's strings are on ESP32, so an
 * ASCII frame goes on the wire unchanged. No regexes, no Map/Set, no spread.
 */

export var PACKET_CONNECT = 1;
export var PACKET_CONNACK = 2;
export var PACKET_PUBLISH = 3;
export var PACKET_PUBACK = 4;
export var PACKET_SUBSCRIBE = 8;
export var PACKET_SUBACK = 9;
export var PACKET_PINGREQ = 12;
export var PACKET_PINGRESP = 13;
export var PACKET_DISCONNECT = 14;

/** The largest remaining length MQTT can express (4 bytes of 7 bits). */
export var MAX_REMAINING_LENGTH = 268435455;

export interface ConnectOptions {
  clientId: string;
  /** Seconds; 0 disables keepalive. */
  keepalive: number;
  cleanSession: boolean;
  username?: string;
  password?: string;
}

/** A decoded packet from the broker. Fields are present according to `type`. */
export interface Packet {
  type: number;
  /** PUBLISH flags. */
  dup?: boolean;
  qos?: number;
  retain?: boolean;
  topic?: string;
  payload?: string;
  /** PUBLISH (QoS>0), PUBACK, SUBACK. */
  packetId?: number;
  /** CONNACK. */
  sessionPresent?: boolean;
  returnCode?: number;
  /** SUBACK: granted QoS per topic, 0x80 for failure. */
  granted?: number[];
  /** PUBLISH larger than the reader's limit: topic and id kept, payload dropped (''). */
  oversize?: boolean;
}

/** Bytes of an 8-bit string (each char code taken modulo 256). */
export function stringToBytes(s: string): Uint8Array {
  var out = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}

/** 8-bit string of a byte range. Packets are small, so a plain loop is cheap enough here. */
export function bytesToString(bytes: Uint8Array, start?: number, end?: number): string {
  var from = start === undefined ? 0 : start;
  var to = end === undefined ? bytes.length : end;
  var out = '';
  for (var i = from; i < to; i++) out += String.fromCharCode(bytes[i]);
  return out;
}

/** Number of bytes the remaining-length varint takes. */
function varintLength(n: number): number {
  if (n < 128) return 1;
  if (n < 16384) return 2;
  if (n < 2097152) return 3;
  return 4;
}

interface WriterState {
  bytes: Uint8Array;
  pos: number;
}

/**
 * A writer that knows the packet's final size up front, so every packet is one allocation and
 * the bytes are filled in order. Writes the fixed header (type byte + remaining-length varint).
 */
function newWriter(firstByte: number, remaining: number): WriterState {
  var w: WriterState = { bytes: new Uint8Array(1 + varintLength(remaining) + remaining), pos: 0 };
  w.bytes[w.pos++] = firstByte;
  var n = remaining;
  do {
    var digit = n % 128;
    n = (n - digit) / 128;
    if (n > 0) digit = digit | 128;
    w.bytes[w.pos++] = digit;
  } while (n > 0);
  return w;
}

function writeByte(w: WriterState, b: number): void {
  w.bytes[w.pos++] = b & 255;
}

function writeU16(w: WriterState, n: number): void {
  w.bytes[w.pos++] = (n >> 8) & 255;
  w.bytes[w.pos++] = n & 255;
}

function writeRaw(w: WriterState, s: string): void {
  for (var i = 0; i < s.length; i++) w.bytes[w.pos++] = s.charCodeAt(i) & 255;
}

function writeString(w: WriterState, s: string): void {
  writeU16(w, s.length);
  writeRaw(w, s);
}


export function encodeConnect(o: ConnectOptions): Uint8Array {
  var flags = 0;
  var remaining = 10 + 2 + o.clientId.length; // "MQTT" name (6) + level (1) + flags (1) + keepalive (2)
  if (o.cleanSession) flags = flags | 2;
  if (o.username !== undefined) {
    flags = flags | 128;
    remaining += 2 + o.username.length;
  }
  if (o.password !== undefined) {
    flags = flags | 64;
    remaining += 2 + o.password.length;
  }
  var w = newWriter(PACKET_CONNECT << 4, remaining);
  writeString(w, 'MQTT');
  writeByte(w, 4);
  writeByte(w, flags);
  writeU16(w, o.keepalive);
  writeString(w, o.clientId);
  if (o.username !== undefined) writeString(w, o.username);
  if (o.password !== undefined) writeString(w, o.password);
  return w.bytes;
}

/** PUBLISH. `packetId` is required for QoS 1 and ignored for QoS 0. */
export function encodePublish(topic: string, payload: string, qos: number, retain: boolean, packetId: number, dup: boolean): Uint8Array {
  var first = (PACKET_PUBLISH << 4) | ((qos & 3) << 1);
  if (retain) first = first | 1;
  if (dup && qos > 0) first = first | 8;
  var remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + payload.length;
  var w = newWriter(first, remaining);
  writeString(w, topic);
  if (qos > 0) writeU16(w, packetId);
  writeRaw(w, payload);
  return w.bytes;
}

export function encodePuback(packetId: number): Uint8Array {
  var w = newWriter(PACKET_PUBACK << 4, 2);
  writeU16(w, packetId);
  return w.bytes;
}

/** SUBSCRIBE for one topic filter at the requested QoS. */
export function encodeSubscribe(packetId: number, topic: string, qos: number): Uint8Array {
  var w = newWriter((PACKET_SUBSCRIBE << 4) | 2, 2 + 2 + topic.length + 1);
  writeU16(w, packetId);
  writeString(w, topic);
  writeByte(w, qos);
  return w.bytes;
}

export function encodePingreq(): Uint8Array {
  return newWriter(PACKET_PINGREQ << 4, 0).bytes;
}

export function encodeDisconnect(): Uint8Array {
  return newWriter(PACKET_DISCONNECT << 4, 0).bytes;
}

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

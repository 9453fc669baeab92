/**
 * MQTT 3.1.1 packet encoding for the device (ES5, Espruino dialect); decoding is in reader.ts.
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

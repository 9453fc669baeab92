/**
 * QoS 1 PUBLISH packets as latin1 strings (one char per byte), for messages whose topic, properties
 * and payload are all ASCII: the usual case, as verified frames are compact ASCII JSON.
 *
 * Why: per packet, the Buffer path (publish-packet.ts) measures the payload's UTF-8 length and
 * writes it with native calls, and allocates a packet object; profiling showed that at ~2 µs per
 * message. For ASCII, byte length is string length, so a packet is a handful of string
 * concatenations and a whole burst becomes one string, turned into bytes by ONE native call.
 * Header bytes above 0x7f (lengths, packet ids) are fine as latin1 chars. The bytes are checked
 * against PublishPacket (and so mqtt-packet) in publish-ascii.test.ts.
 */

/** Two bytes, big-endian. */
export function u16(n: number): string {
  return String.fromCharCode(n >>> 8, n & 0xff);
}

/** An MQTT variable byte integer (1–4 bytes). */
export function varint(n: number): string {
  if (n < 128) return String.fromCharCode(n);
  if (n < 16_384) return String.fromCharCode((n & 0x7f) | 0x80, n >>> 7);
  if (n < 2_097_152) return String.fromCharCode((n & 0x7f) | 0x80, ((n >>> 7) & 0x7f) | 0x80, n >>> 14);
  return String.fromCharCode((n & 0x7f) | 0x80, ((n >>> 7) & 0x7f) | 0x80, ((n >>> 14) & 0x7f) | 0x80, n >>> 21);
}

export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A length-prefixed MQTT string (ASCII, so its length is its byte length). */
export function mqttString(text: string): string {
  return u16(text.length) + text;
}

/** PUBLISH (3) << 4 | QoS 1 << 1. */
const PUBLISH_QOS1 = '\x32';
const MAX_REMAINING = 268_435_455;

/** The bridge's MQTT 5 property block (user properties dev, boot, seq; content type), pre-length. */
const BOOT_NAME = '\x26' + mqttString('boot');
const SEQ_NAME = '\x26' + mqttString('seq');
const CONTENT_TYPE = '\x03' + mqttString('application/json');

/** `dev` user property, encoded once per device id (cleared past a few thousand ids). */
const devProperty = new Map<string, string>();
function devPropertyOf(dev: string): string {
  let encoded = devProperty.get(dev);
  if (encoded === undefined) {
    encoded = '\x26' + mqttString('dev') + mqttString(dev);
    if (devProperty.size >= 4096) devProperty.clear();
    devProperty.set(dev, encoded);
  }
  return encoded;
}

/**
 * One packet. `topicField` is the topic already length-prefixed (mqttString), everything ASCII
 * (the caller's guarantee); null when the packet would exceed MQTT's limits (use PublishPacket,
 * which reports them). MQTT 5 packets carry the bridge's properties, as PublishPacket gets them.
 */
export function asciiPublish(protocol: 4 | 5, topicField: string, messageId: number, payload: string, dev: string, boot: number, seq: number): string | null {
  if (topicField.length > 0xffff + 2) return null;
  if (protocol === 4) {
    const remaining = topicField.length + 2 + payload.length;
    if (remaining > MAX_REMAINING) return null;
    return PUBLISH_QOS1 + varint(remaining) + topicField + u16(messageId) + payload;
  }
  const bootText = String(boot);
  const seqText = String(seq);
  const properties = devPropertyOf(dev) + BOOT_NAME + mqttString(bootText) + SEQ_NAME + mqttString(seqText) + CONTENT_TYPE;
  const propertiesField = varint(properties.length) + properties;
  const remaining = topicField.length + 2 + propertiesField.length + payload.length;
  if (remaining > MAX_REMAINING) return null;
  return PUBLISH_QOS1 + varint(remaining) + topicField + u16(messageId) + propertiesField + payload;
}

/**
 * Packets (latin1 strings, `bytes` chars in all) in one Buffer. One write per packet measured
 * faster than one Buffer.from of the packets joined (flattening a long concatenation costs more).
 */
export function latin1Buffer(packets: readonly string[], bytes: number): Buffer {
  const buffer = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const packet of packets) offset += writeLatin1(buffer, packet, offset);
  return buffer;
}

type Latin1Writer = (this: Buffer, text: string, offset: number, length: number) => number;
/**
 * Buffer#write(text, offset, 'latin1') minus its argument decoding (encoding name lookup, offset
 * and length checks): Node's own latin1 writer, which Buffer#write ends up calling, when present
 * (it is not a documented API, so Buffer#write stays the fallback).
 */
const nativeLatin1Write = (Buffer.prototype as unknown as { latin1Write?: Latin1Writer }).latin1Write;
export const writeLatin1: (buffer: Buffer, text: string, offset: number) => number =
  typeof nativeLatin1Write === 'function'
    ? (buffer, text, offset) => nativeLatin1Write.call(buffer, text, offset, buffer.length - offset)
    : (buffer, text, offset) => buffer.write(text, offset, 'latin1');

/**
 * What the MQTT publisher sends for one WAL entry: topic, payload and (MQTT 5) the bridge's user
 * properties dev/boot/seq plus content type, as bytes.
 *
 * Two encodings of the same packet: ASCII entries (entry.ascii, the usual case) become latin1 text
 * (publish-ascii.ts), so a burst is a list of strings written into one Buffer; anything else (a
 * non-ASCII topic prefix, input name or payload, entries recovered from the WAL) becomes a
 * PublishPacket (publish-packet.ts). Both are checked byte for byte against mqtt-packet's encoding.
 */
import { payloadJson, topicFor } from './message.ts';
import { asciiPublish, isAscii, mqttString } from './publish-ascii.ts';
import { PublishPacket } from './publish-packet.ts';
import type { WalEntry } from './wal.ts';

export interface TopicOptions {
  topicPrefix?: string;
  /** Overrides topic building (cloud presets with fixed topics). */
  topic?: (entry: WalEntry) => string;
}

export class PublishEncoder {
  /** Topic fields (length-prefixed topic, or null if not ASCII) per device and kind. */
  private readonly topicFields = new Map<string, Map<string, string | null>>();

  constructor(private readonly options: TopicOptions) {}

  /** The packet as latin1 text when the entry and its topic are ASCII, else null (use packet()). */
  text(protocol: 4 | 5, entry: WalEntry, messageId: number): string | null {
    if (entry.ascii !== true) return null;
    const topicField = this.topicFieldOf(entry);
    if (topicField === null) return null;
    return asciiPublish(protocol, topicField, messageId, payloadJson(entry), entry.dev, entry.boot, entry.seq);
  }

  /** The packet as a PublishPacket (any text); throws RangeError past MQTT's limits. */
  packet(protocol: 4 | 5, entry: WalEntry, messageId: number): PublishPacket {
    const topic = this.options.topic ? this.options.topic(entry) : topicFor(entry, this.options.topicPrefix);
    const payload = payloadJson(entry);
    return protocol === 5
      ? new PublishPacket(5, topic, messageId, payload, ['dev', entry.dev, 'boot', String(entry.boot), 'seq', String(entry.seq)], 'application/json')
      : new PublishPacket(4, topic, messageId, payload);
  }

  private topicFieldOf(entry: WalEntry): string | null {
    if (this.options.topic) {
      const topic = this.options.topic(entry);
      return isAscii(topic) ? mqttString(topic) : null;
    }
    let perDevice = this.topicFields.get(entry.dev);
    if (perDevice === undefined) {
      // Bounded: device ids come from the key registry, but never let the cache grow without limit.
      if (this.topicFields.size >= 4096) this.topicFields.clear();
      perDevice = new Map();
      this.topicFields.set(entry.dev, perDevice);
    }
    let field = perDevice.get(entry.k);
    if (field === undefined) {
      const topic = topicFor(entry, this.options.topicPrefix);
      field = isAscii(topic) ? mqttString(topic) : null;
      perDevice.set(entry.k, field);
    }
    return field;
  }
}

/**
 * A persistent QoS 1 subscriber recording every (dev, boot, seq) that reaches the broker's
 * consumers, and checking each message the way a consumer would: the signed line must verify with
 * the device key and match the JSON fields and the topic.
 */
import { createHmac } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { splitFrame } from '../../firmware/core/wire.ts';

export class RecordingSubscriber {
  readonly seen = new Set<string>();
  duplicates = 0;
  invalid: string[] = [];
  messages = 0;
  userPropertyMismatches = 0;
  private client!: MqttClient;

  constructor(
    private readonly url: string,
    private readonly keys: Record<string, string>,
    private readonly protocolVersion: 4 | 5 = 5,
    private readonly clientOptions: mqtt.IClientOptions = {},
  ) {}

  async start(): Promise<void> {
    this.client = mqtt.connect(this.url, {
      clientId: `recorder-${Math.random().toString(16).slice(2, 8)}`,
      clean: false,
      protocolVersion: this.protocolVersion,
      properties: this.protocolVersion === 5 ? { sessionExpiryInterval: 3600 } : undefined,
      reconnectPeriod: 200,
      ...this.clientOptions,
    });
    this.client.on('message', (topic, payload, packet) => this.record(topic, payload, packet));
    this.client.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      this.client.once('connect', () => resolve());
      this.client.once('error', reject);
    });
    await this.client.subscribeAsync('spruce/+/+', { qos: 1 });
  }

  has(dev: string, boot: number, seq: number): boolean {
    return this.seen.has(`${dev}:${boot}:${seq}`);
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  private record(topic: string, payload: Buffer, packet: mqtt.IPublishPacket): void {
    this.messages++;
    let message: { dev: string; boot: number; seq: number; kind: string; line: string };
    try {
      message = JSON.parse(payload.toString());
    } catch {
      this.invalid.push(`unparsable payload on ${topic}`);
      return;
    }
    const parts = splitFrame(message.line ?? '');
    const key = this.keys[message.dev];
    if (!parts || !key) {
      this.invalid.push(`no verifiable line in ${topic}`);
      return;
    }
    const mac = createHmac('sha256', Buffer.from(key, 'hex')).update(parts.json, 'latin1').digest('hex');
    const inner = JSON.parse(parts.json) as { dev: string; boot: number; seq: number };
    if (mac !== parts.hmac || inner.dev !== message.dev || inner.boot !== message.boot || inner.seq !== message.seq || topic !== `spruce/${message.dev}/${message.kind}`) {
      this.invalid.push(`mismatch on ${topic}: ${message.line}`);
      return;
    }
    const props = packet.properties?.userProperties as Record<string, string> | undefined;
    if (this.protocolVersion === 5 && (!props || props.dev !== message.dev || props.boot !== String(message.boot) || props.seq !== String(message.seq))) {
      this.userPropertyMismatches++;
    }
    const id = `${message.dev}:${message.boot}:${message.seq}`;
    if (this.seen.has(id)) this.duplicates++;
    else this.seen.add(id);
  }
}

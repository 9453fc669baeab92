/**
 * A lean QoS 1 publisher on mqtt-packet, for mqtt:// and mqtts:// outputs.
 *
 * Why not MQTT.js here: profiling the bridge showed MQTT.js's stream plumbing (several stream writes
 * per packet, an in-memory store per message) costing more than verification and the WAL together.
 * The bridge does not need that machinery: its queue IS the WAL. So this client encodes a burst of
 * PUBLISH packets into one buffer (publish-encoder.ts: latin1 text for ASCII messages, else
 * publish-packet.ts; not mqtt-packet's slower generic generate()), writes it with one socket write, and reports each message's PUBACK through one callback
 * (sendMany; send() is the promise form of the same).
 * On a disconnect every message in flight is rejected as `disconnected`; the bridge puts it
 * back in its queue and sends it again after the reconnect (at least once; consumers dedupe on
 * (dev, boot, seq)). Packet ids come from WindowedMessageIdProvider, and at most `window` messages
 * (capped by the broker's Receive Maximum) are ever in flight, so ids cannot collide however long
 * the outage. ws:// and wss:// outputs use MqttSink (MQTT.js) instead.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import type { IClientOptions } from 'mqtt';
import { SpruceError } from '../errors.ts';
import { WindowedMessageIdProvider } from './message-ids.ts';
import { type PublishPacket, concatPackets } from './publish-packet.ts';
import { latin1Buffer } from './publish-ascii.ts';
import { PublishEncoder } from './publish-encoder.ts';
import { SECURE_PROTOCOLS, connectPacket, openBrokerSocket } from './mqtt-connect.ts';
import { PacketSplitter } from './packet-splitter.ts';
import { MAX_WINDOW, firstConnect, type MqttSinkOptions } from './mqtt-sink.ts';
import type { SettleFn, Sink } from './sink.ts';
import type { WalEntry } from './wal.ts';

/** A send rejected because the connection dropped: requeue without counting it as a failure. */
export class DisconnectedError extends Error {
  readonly disconnected = true;
}

export class MqttPublisher extends EventEmitter implements Sink {
  readonly name = 'mqtt';
  private socket: Socket | null = null;
  private ready = false;
  private protocol: 5 | 4;
  private readonly window: number;
  private serverReceiveMaximum = Infinity;
  /** Entries awaiting their PUBACK by packet id, in send order. */
  private readonly inFlight = new Map<number, WalEntry>();
  /** Who to tell about each packet id's outcome (an array, not an object per message). */
  private readonly settleOf: Array<SettleFn | undefined> = new Array<SettleFn | undefined>(65_536).fill(undefined);
  private readonly ids = new WindowedMessageIdProvider();
  private outBuffers: Buffer[] = [];
  private flushScheduled = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private lastReceived = 0;
  private closed = false;
  private readonly url: URL;
  private readonly encoder: PublishEncoder;
  connects = 0;
  lastError: string | null = null;

  constructor(private readonly options: MqttSinkOptions) {
    super();
    this.url = new URL(options.url);
    if (!['mqtt:', 'tcp:', ...SECURE_PROTOCOLS].includes(this.url.protocol)) {
      throw new SpruceError('E_USAGE', `MqttPublisher handles mqtt:// and mqtts:// only, not ${this.url.protocol}`, { exit: 'USAGE' });
    }
    this.window = Math.min(options.window ?? 1000, MAX_WINDOW);
    this.protocol = options.protocol === 4 ? 4 : 5;
    this.encoder = new PublishEncoder(options);
  }

  get connected(): boolean {
    return this.ready;
  }

  get protocolVersion(): 5 | 4 {
    return this.protocol;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  capacity(): number {
    if (!this.ready) return 0;
    return Math.max(0, Math.min(this.window, this.serverReceiveMaximum) - this.inFlight.size);
  }

  start(timeoutMs = 10_000): Promise<void> {
    this.connectOnce();
    if (this.options.renewEveryMs) {
      // Renew credentials before they expire: reconnect; connectOnce() asks for fresh ones.
      this.renewTimer = setInterval(() => this.socket?.destroy(), this.options.renewEveryMs);
      this.renewTimer.unref();
    }
    return firstConnect(this, timeoutMs, this.options.url, () => this.lastError);
  }

  send(entry: WalEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => this.sendMany([entry], (_entry, error) => (error ? reject(error) : resolve())));
  }

  /**
   * Publishes a burst: each entry gets a packet id and a packet, and the whole burst goes out as one
   * Buffer in one socket write. `settled` hears of each entry once: on its PUBACK, or with a
   * DisconnectedError if the connection drops first.
   */
  sendMany(entries: readonly WalEntry[], settled: SettleFn): void {
    // ASCII messages (entry.ascii) are encoded as latin1 text, the rest as PublishPacket buffers;
    // runs of each are flushed in order, so the burst keeps its order on the wire.
    let texts: string[] = [];
    let textBytes = 0;
    let packets: PublishPacket[] = [];
    for (const entry of entries) {
      if (!this.ready) {
        settled(entry, new DisconnectedError('not connected'));
        continue;
      }
      const messageId = this.ids.allocate();
      if (messageId === null) {
        settled(entry, new DisconnectedError('no free packet id'));
        continue;
      }
      let ascii: string | null;
      let packet: PublishPacket | null = null;
      try {
        ascii = this.encoder.text(this.protocol, entry, messageId);
        if (ascii === null) packet = this.encoder.packet(this.protocol, entry, messageId);
      } catch (error) {
        // E.g. a topic over 65,535 bytes: a failure of this message (retried, reported), not a crash.
        this.ids.deallocate(messageId);
        settled(entry, error as Error);
        continue;
      }
      if (ascii !== null) {
        if (packets.length > 0) {
          this.queueWrite(concatPackets(packets));
          packets = [];
        }
        texts.push(ascii);
        textBytes += ascii.length;
      } else {
        if (texts.length > 0) {
          this.queueWrite(latin1Buffer(texts, textBytes));
          texts = [];
          textBytes = 0;
        }
        packets.push(packet!);
      }
      this.inFlight.set(messageId, entry);
      this.settleOf[messageId] = settled;
    }
    if (texts.length > 0) this.queueWrite(latin1Buffer(texts, textBytes));
    if (packets.length > 0) this.queueWrite(concatPackets(packets));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of [this.reconnectTimer, this.pingTimer, this.renewTimer]) if (timer) clearTimeout(timer);
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      if (this.ready) socket.write(mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: this.protocol }));
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
      });
    }
    this.dropInFlight('closed');
  }

  /** Bursts of sends in one tick go out as one socket write. */
  private queueWrite(buffer: Buffer): void {
    this.outBuffers.push(buffer);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => {
      this.flushScheduled = false;
      const buffers = this.outBuffers;
      this.outBuffers = [];
      if (this.socket && !this.socket.destroyed && buffers.length > 0) this.socket.write(buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers));
    });
  }

  private connectOnce(): void {
    if (this.closed) return;
    const base: IClientOptions = this.options.clientOptions ?? {};
    const fresh = this.options.refreshCredentials?.() ?? {};
    const { socket, secure, host, port } = openBrokerSocket(this.url, base);
    this.socket = socket;
    const parser = mqttPacket.parser({ protocolVersion: this.protocol });
    parser.on('packet', (packet) => this.onPacket(packet));
    parser.on('error', (error) => {
      this.lastError = `protocol error: ${error.message}`;
      socket.destroy();
    });
    // PUBACKs are decoded by the splitter; everything else reaches the parser as whole packets.
    const splitter = new PacketSplitter({ puback: (id, reason) => this.onPuback(id, reason), other: (packet) => parser.parse(packet) });
    socket.on('data', (chunk: Buffer) => {
      this.lastReceived = Date.now();
      this.freed = false;
      splitter.push(chunk);
      // One 'drain' per chunk of PUBACKs, not per PUBACK: the bridge refills the window in one go.
      if (this.freed) this.emit('drain');
    });
    socket.on(secure ? 'secureConnect' : 'connect', () => socket.write(connectPacket(this.url, base, fresh, this.protocol)));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.lastError = error.code ? `connect ${error.code} ${host}:${port}` : error.message;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onPacket(packet: mqttPacket.Packet): void {
    switch (packet.cmd) {
      case 'connack': {
        const code = (packet as { reasonCode?: number; returnCode?: number }).reasonCode ?? (packet as { returnCode?: number }).returnCode ?? 0;
        if (code !== 0) {
          this.lastError = `broker refused the connection (code ${code})`;
          if (this.options.protocol === 'auto' && this.protocol === 5 && this.connects === 0 && (code === 1 || code === 132)) this.protocol = 4;
          this.socket?.destroy();
          return;
        }
        const receiveMaximum = packet.properties?.receiveMaximum;
        this.serverReceiveMaximum = typeof receiveMaximum === 'number' && receiveMaximum > 0 ? receiveMaximum : Infinity;
        this.ready = true;
        this.connects++;
        this.lastError = null;
        this.startPings();
        this.emit('connect');
        this.emit('drain');
        return;
      }
      case 'puback':
        // Normally taken by the PacketSplitter; kept so the parser path stays complete.
        this.onPuback(packet.messageId!, packet.reasonCode ?? 0);
        if (this.freed) this.emit('drain');
        return;
      case 'disconnect':
        this.lastError = `broker disconnected us (reason ${packet.reasonCode ?? 'none'})`;
        this.socket?.destroy();
        return;
      default:
        return; // pingresp (lastReceived is enough), anything else is not for a publisher
    }
  }

  /** Set when a PUBACK freed a slot during the current data chunk. */
  private freed = false;

  private onPuback(messageId: number, reason: number): void {
    const entry = this.inFlight.get(messageId);
    if (!entry) return;
    const settled = this.settleOf[messageId]!;
    this.inFlight.delete(messageId);
    this.settleOf[messageId] = undefined;
    this.ids.deallocate(messageId);
    this.freed = true;
    settled(entry, reason >= 0x80 ? new Error(`PUBACK reason code 0x${reason.toString(16)}`) : null);
  }

  private startPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    const keepaliveMs = ((this.options.clientOptions?.keepalive as number | undefined) ?? 15) * 1000;
    this.pingTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || !this.ready) return;
      if (Date.now() - this.lastReceived > keepaliveMs * 1.5) {
        this.lastError = 'no answer from the broker within the keepalive time';
        socket.destroy();
        return;
      }
      socket.write(mqttPacket.generate({ cmd: 'pingreq' }, { protocolVersion: this.protocol }));
    }, keepaliveMs / 2);
    this.pingTimer.unref();
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    const wasReady = this.ready;
    this.ready = false;
    this.socket = null;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.dropInFlight('connection lost');
    if (wasReady) this.emit('disconnect');
    if (this.closed) return;
    const retryMs = (this.options.clientOptions?.reconnectPeriod as number | undefined) ?? 500;
    this.reconnectTimer = setTimeout(() => this.connectOnce(), retryMs);
  }

  private dropInFlight(why: string): void {
    const waiting = [...this.inFlight];
    this.inFlight.clear();
    this.ids.clear();
    this.outBuffers = [];
    // Newest first: a caller that puts each one back at the front of its queue restores send order.
    for (let i = waiting.length - 1; i >= 0; i--) {
      const [messageId, entry] = waiting[i]!;
      const settled = this.settleOf[messageId]!;
      this.settleOf[messageId] = undefined;
      settled(entry, new DisconnectedError(why));
    }
  }
}

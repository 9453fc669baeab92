/**
 * A lean QoS 1 publisher on mqtt-packet, for mqtt:// and mqtts:// outputs.
 *
 * Why not MQTT.js here: profiling the bridge showed MQTT.js's stream plumbing (several stream writes
 * per packet, an in-memory store per message) costing more than verification and the WAL together.
 * The bridge does not need that machinery: its queue IS the WAL. So this client encodes a burst of
 * PUBLISH packets into one buffer (publish-packet.ts, not mqtt-packet's slower generic generate()),
 * writes it with one socket write, and reports each message's PUBACK through one callback
 * (sendMany; send() is the promise form of the same).
 * On a disconnect every message in flight is rejected as `disconnected`; the bridge puts it
 * back in its queue and sends it again after the reconnect (at least once; consumers dedupe on
 * (dev, boot, seq)). Packet ids come from WindowedMessageIdProvider, and at most `window` messages
 * (capped by the broker's Receive Maximum) are ever in flight, so ids cannot collide however long
 * the outage. ws:// and wss:// outputs use MqttSink (MQTT.js) instead.
 */
import { EventEmitter } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { IClientOptions } from 'mqtt';
import { SpruceError } from '../errors.ts';
import { payloadJson, topicFor } from './message.ts';
import { WindowedMessageIdProvider } from './message-ids.ts';
import { PublishPacket, concatPackets } from './publish-packet.ts';
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
  connects = 0;
  lastError: string | null = null;

  constructor(private readonly options: MqttSinkOptions) {
    super();
    this.url = new URL(options.url);
    if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'tls:'].includes(this.url.protocol)) {
      throw new SpruceError('E_USAGE', `MqttPublisher handles mqtt:// and mqtts:// only, not ${this.url.protocol}`, { exit: 'USAGE' });
    }
    this.window = Math.min(options.window ?? 1000, MAX_WINDOW);
    this.protocol = options.protocol === 4 ? 4 : 5;
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
    const packets: PublishPacket[] = [];
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
      let packet: PublishPacket;
      try {
        packet = this.packetFor(entry, messageId);
      } catch (error) {
        // E.g. a topic over 65,535 bytes: a failure of this message (retried, reported), not a crash.
        this.ids.deallocate(messageId);
        settled(entry, error as Error);
        continue;
      }
      this.inFlight.set(messageId, entry);
      this.settleOf[messageId] = settled;
      packets.push(packet);
    }
    if (packets.length > 0) this.queueWrite(concatPackets(packets));
  }

  private packetFor(entry: WalEntry, messageId: number): PublishPacket {
    const topic = this.options.topic ? this.options.topic(entry) : topicFor(entry, this.options.topicPrefix);
    const payload = payloadJson(entry);
    return this.protocol === 5
      ? new PublishPacket(5, topic, messageId, payload, ['dev', entry.dev, 'boot', String(entry.boot), 'seq', String(entry.seq)], 'application/json')
      : new PublishPacket(4, topic, messageId, payload);
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
    const secure = ['mqtts:', 'ssl:', 'tls:'].includes(this.url.protocol);
    const port = Number(this.url.port) || (secure ? 8883 : 1883);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    let socket: Socket;
    if (secure) {
      const tls: ConnectionOptions = {
        host,
        port,
        ca: base.ca as ConnectionOptions['ca'],
        cert: base.cert as ConnectionOptions['cert'],
        key: base.key as ConnectionOptions['key'],
        ALPNProtocols: base.ALPNProtocols as string[] | undefined,
        servername: (base.servername as string | undefined) ?? (/^[\d.]+$|:/.test(host) ? undefined : host),
        rejectUnauthorized: base.rejectUnauthorized ?? true,
      };
      socket = tlsConnect(tls);
    } else {
      socket = netConnect({ host, port });
    }
    socket.setNoDelay(true);
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
    socket.on(secure ? 'secureConnect' : 'connect', () => {
      const username = fresh.username ?? base.username ?? (this.url.username ? decodeURIComponent(this.url.username) : undefined);
      const password = fresh.password ?? (base.password as string | Buffer | undefined) ?? (this.url.password ? decodeURIComponent(this.url.password) : undefined);
      const connectPacket: mqttPacket.IConnectPacket = {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: this.protocol,
        clean: true,
        clientId: base.clientId ?? `spruce-bridge-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
        keepalive: base.keepalive ?? 15,
        ...(username !== undefined ? { username } : {}),
        ...(password !== undefined ? { password: Buffer.from(password) } : {}),
      };
      socket.write(mqttPacket.generate(connectPacket, { protocolVersion: this.protocol }));
    });
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

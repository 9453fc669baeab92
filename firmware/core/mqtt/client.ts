/**
 * A small MQTT 3.1.1 client state machine for the device (ES5, Espruino dialect).
 *
 * It owns no socket and no timer: a Connector opens the byte stream and a Clock schedules
 * timeouts, both injected, so the same code runs on Espruino's require("net"), on the virtual
 * board, and in plain Node unit tests. Failures are reported as values ({ok:false, code}), never
 * thrown: a sensor node must always reach deep sleep.
 *
 * States: idle -> connecting (TCP + CONNECT sent, waiting for CONNACK) -> connected -> closed.
 * A closed client can connect again; everything in flight is failed with E_MQTT_CLOSED on close,
 * so the caller (the uplink) keeps those frames in its outbox and sends them again later.
 */
import { PacketReader } from './reader';
import type { ByteSocket, ClientOptions, Clock, Connector, Result } from './transport';

export type { ByteSocket, ClientOptions, Clock, Connector, Result, SocketEvents } from './transport';
import {
  Packet,
  PACKET_CONNACK,
  PACKET_PUBLISH,
  PACKET_PUBACK,
  PACKET_SUBACK,
  PACKET_PINGRESP,
  encodeConnect,
  encodePublish,
  encodePuback,
  encodeSubscribe,
  encodePingreq,
  encodeDisconnect,
} from './codec';

interface Pending {
  kind: number; // PACKET_PUBACK or PACKET_SUBACK
  cb: (r: Result & { granted?: number }) => void;
  timer: unknown;
}

/** Packet-id keyed table of what waits for an acknowledgement (a plain object: no Map on Espruino). */
interface PendingTable {
  [id: string]: Pending;
}

export var CONNACK_CODES: { [rc: string]: string } = {
  '1': 'E_MQTT_PROTOCOL',
  '2': 'E_MQTT_CLIENT_ID',
  '3': 'E_MQTT_UNAVAILABLE',
  '4': 'E_MQTT_BAD_CREDENTIALS',
  '5': 'E_MQTT_NOT_AUTHORIZED',
};

export class MqttClient {
  state: string;
  /**
   * Called for every PUBLISH from the broker (already acknowledged if QoS 1). `oversize`: it was
   * larger than the device accepts, so its payload was dropped ('').
   */
  onMessage: ((topic: string, payload: string, retain: boolean, oversize: boolean) => void) | null;
  /** Called once per connection when it ends, with the reason. */
  onClose: ((code: string) => void) | null;
  /** Bytes written to / read from the socket since construction (for the power meter). */
  bytesOut: number;
  bytesIn: number;

  private opts: ClientOptions;
  private connector: Connector;
  private clock: Clock;
  private socket: ByteSocket | null;
  private reader: PacketReader;
  private pending: PendingTable;
  private pendingCount: number;
  private nextId: number;
  private connectCb: ((r: Result & { sessionPresent?: boolean }) => void) | null;
  private connectTimer: unknown;
  private keepaliveTimer: unknown;
  private pingTimer: unknown;
  /** Callbacks waiting for the next PINGRESP (ping() used as an in-order barrier). */
  private pingWaiters: ((r: Result) => void)[];
  /** Bumped on every connection so late events from an old socket are ignored. */
  private generation: number;

  constructor(opts: ClientOptions, connector: Connector, clock: Clock, maxPacket?: number) {
    this.opts = opts;
    this.connector = connector;
    this.clock = clock;
    this.state = 'idle';
    this.onMessage = null;
    this.onClose = null;
    this.bytesOut = 0;
    this.bytesIn = 0;
    this.socket = null;
    this.reader = new PacketReader(maxPacket);
    this.pending = {};
    this.pendingCount = 0;
    this.nextId = 1;
    this.connectCb = null;
    this.connectTimer = null;
    this.keepaliveTimer = null;
    this.pingTimer = null;
    this.pingWaiters = [];
    this.generation = 0;
  }

  /** Opens TCP, sends CONNECT and reports the CONNACK (or why there was none). */
  connect(cb: (r: Result & { sessionPresent?: boolean }) => void): void {
    if (this.state === 'connecting' || this.state === 'connected') {
      cb({ ok: false, code: 'E_MQTT_BUSY' });
      return;
    }
    var self = this;
    var gen = ++this.generation;
    this.state = 'connecting';
    this.connectCb = cb;
    this.reader.reset();
    this.connectTimer = this.clock.setTimeout(function () {
      self.connectTimer = null;
      if (gen === self.generation) self.drop('E_MQTT_CONNECT_TIMEOUT');
    }, this.opts.connectTimeoutMs);
    this.socket = this.connector(this.opts.host, this.opts.port, {
      onOpen: function () {
        if (gen !== self.generation || self.state !== 'connecting') return;
        self.send(encodeConnect(self.opts));
      },
      onData: function (bytes: Uint8Array) {
        if (gen !== self.generation) return;
        self.bytesIn += bytes.length;
        self.receive(bytes);
      },
      onClose: function (code: string) {
        if (gen !== self.generation) return;
        self.socket = null;
        self.drop(code || 'E_MQTT_CLOSED');
      },
    });
  }

  /**
   * Publishes. QoS 0: cb after the bytes are handed to the socket. QoS 1: cb on PUBACK, or with
   * {ok:false} if the connection ends or the ack does not come within ackTimeoutMs.
   */
  publish(topic: string, payload: string, qos: number, retain: boolean, cb: (r: Result) => void): void {
    if (this.state !== 'connected') {
      cb({ ok: false, code: 'E_MQTT_NOT_CONNECTED' });
      return;
    }
    if (qos === 0) {
      this.send(encodePublish(topic, payload, 0, retain, 0, false));
      cb({ ok: true });
      return;
    }
    var id = this.allocateId();
    if (id === 0) {
      cb({ ok: false, code: 'E_MQTT_INFLIGHT_FULL' });
      return;
    }
    this.track(id, PACKET_PUBACK, cb);
    this.send(encodePublish(topic, payload, 1, retain, id, false));
  }

  /** Subscribes to one topic filter; cb gets the granted QoS (0x80 means refused). */
  subscribe(topic: string, qos: number, cb: (r: Result & { granted?: number }) => void): void {
    if (this.state !== 'connected') {
      cb({ ok: false, code: 'E_MQTT_NOT_CONNECTED' });
      return;
    }
    var id = this.allocateId();
    if (id === 0) {
      cb({ ok: false, code: 'E_MQTT_INFLIGHT_FULL' });
      return;
    }
    this.track(id, PACKET_SUBACK, cb);
    this.send(encodeSubscribe(id, topic, qos));
  }

  /**
   * Sends PINGREQ; cb on PINGRESP. The broker answers in order on one connection, so when cb runs
   * every packet it sent before (e.g. retained messages queued after a SUBACK) has been handled.
   */
  ping(cb: (r: Result) => void): void {
    if (this.state !== 'connected') {
      cb({ ok: false, code: 'E_MQTT_NOT_CONNECTED' });
      return;
    }
    this.pingWaiters.push(cb);
    this.sendPing();
  }

  /** Sends DISCONNECT and closes, so the broker drops the session cleanly (no will, no timeout). */
  disconnect(): void {
    if (this.state === 'connected' && this.socket) this.send(encodeDisconnect());
    if (this.socket) {
      var s = this.socket;
      this.socket = null;
      s.end();
    }
    this.drop('E_MQTT_DISCONNECTED');
  }

  /** Publishes and subscriptions still waiting for their acknowledgement. */
  inflight(): number {
    return this.pendingCount;
  }

  private allocateId(): number {
    // 1..65535, skipping ids still in flight (0 is not a valid packet id).
    for (var tries = 0; tries < 65535; tries++) {
      var id = this.nextId;
      this.nextId = id >= 65535 ? 1 : id + 1;
      if (!this.pending[id]) return id;
    }
    return 0;
  }

  private track(id: number, kind: number, cb: (r: Result & { granted?: number }) => void): void {
    var self = this;
    var gen = this.generation;
    var timer = this.clock.setTimeout(function () {
      if (gen === self.generation && self.pending[id]) {
        self.pending[id].timer = null;
        self.drop('E_MQTT_ACK_TIMEOUT');
      }
    }, this.opts.ackTimeoutMs);
    this.pending[id] = { kind: kind, cb: cb, timer: timer };
    this.pendingCount++;
  }

  private send(bytes: Uint8Array): void {
    if (!this.socket) return;
    this.bytesOut += bytes.length;
    this.socket.write(bytes);
    this.armKeepalive();
  }

  /** MQTT keepalive: the client must send something at least every `keepalive` seconds. */
  private armKeepalive(): void {
    if (this.keepaliveTimer !== null) this.clock.clearTimeout(this.keepaliveTimer);
    this.keepaliveTimer = null;
    if (this.opts.keepalive <= 0 || this.state !== 'connected') return;
    var self = this;
    var gen = this.generation;
    this.keepaliveTimer = this.clock.setTimeout(function () {
      self.keepaliveTimer = null;
      if (gen !== self.generation || self.state !== 'connected') return;
      self.sendPing();
    }, this.opts.keepalive * 1000);
  }

  /** PINGREQ with a deadline for its PINGRESP. */
  private sendPing(): void {
    var self = this;
    var gen = this.generation;
    if (this.pingTimer === null) {
      this.pingTimer = this.clock.setTimeout(function () {
        self.pingTimer = null;
        if (gen === self.generation) self.drop('E_MQTT_PING_TIMEOUT');
      }, this.opts.ackTimeoutMs);
    }
    this.send(encodePingreq());
  }

  private receive(bytes: Uint8Array): void {
    var got = this.reader.push(bytes);
    for (var i = 0; i < got.packets.length; i++) {
      if (this.state === 'closed' || this.state === 'idle') return;
      this.handle(got.packets[i]);
    }
    if (got.error) this.drop(got.error.code);
  }

  private handle(p: Packet): void {
    if (this.state === 'connecting') {
      if (p.type !== PACKET_CONNACK) {
        this.drop('E_MQTT_PROTOCOL');
        return;
      }
      if (p.returnCode !== 0) {
        this.drop(CONNACK_CODES[String(p.returnCode)] || 'E_MQTT_REFUSED');
        return;
      }
      this.state = 'connected';
      if (this.connectTimer !== null) this.clock.clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.armKeepalive();
      var cb = this.connectCb;
      this.connectCb = null;
      if (cb) cb({ ok: true, sessionPresent: p.sessionPresent });
      return;
    }
    if (p.type === PACKET_PINGRESP) {
      if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
      this.pingTimer = null;
      var waiters = this.pingWaiters;
      this.pingWaiters = [];
      for (var w = 0; w < waiters.length; w++) waiters[w]({ ok: true });
      return;
    }
    if (p.type === PACKET_PUBACK || p.type === PACKET_SUBACK) {
      var key = p.packetId as number;
      var entry = this.pending[key];
      if (!entry || entry.kind !== p.type) return; // late or duplicate ack: harmless
      delete this.pending[key];
      this.pendingCount--;
      if (entry.timer !== null) this.clock.clearTimeout(entry.timer);
      if (p.type === PACKET_SUBACK) {
        var g = p.granted ? p.granted[0] : 128;
        entry.cb(g === 128 ? { ok: false, code: 'E_MQTT_SUB_REFUSED', granted: g } : { ok: true, granted: g });
      } else {
        entry.cb({ ok: true });
      }
      return;
    }
    if (p.type === PACKET_PUBLISH) {
      // Acknowledge first: if the handler throws, the broker still learns we have it.
      if (p.qos === 1) this.send(encodePuback(p.packetId as number));
      if (this.onMessage) this.onMessage(p.topic as string, p.payload as string, p.retain === true, p.oversize === true);
      return;
    }
    this.drop('E_MQTT_PROTOCOL');
  }

  /** Ends the connection (if any) and fails everything waiting, exactly once per connection. */
  private drop(code: string): void {
    if (this.state === 'closed' || this.state === 'idle') return;
    var wasConnecting = this.state === 'connecting';
    this.state = 'closed';
    this.generation++;
    if (this.socket) {
      var s = this.socket;
      this.socket = null;
      s.end();
    }
    if (this.connectTimer !== null) this.clock.clearTimeout(this.connectTimer);
    if (this.keepaliveTimer !== null) this.clock.clearTimeout(this.keepaliveTimer);
    if (this.pingTimer !== null) this.clock.clearTimeout(this.pingTimer);
    this.connectTimer = null;
    this.keepaliveTimer = null;
    this.pingTimer = null;
    var waiting = this.pending;
    this.pending = {};
    this.pendingCount = 0;
    var cb = this.connectCb;
    this.connectCb = null;
    var pingers = this.pingWaiters;
    this.pingWaiters = [];
    if (wasConnecting && cb) cb({ ok: false, code: code });
    for (var w = 0; w < pingers.length; w++) pingers[w]({ ok: false, code: code });
    for (var id in waiting) {
      if (waiting[id].timer !== null) this.clock.clearTimeout(waiting[id].timer);
      waiting[id].cb({ ok: false, code: code });
    }
    if (this.onClose) this.onClose(code);
  }
}

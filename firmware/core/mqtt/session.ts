/**
 * One radio session of a sleeping node (ES5): Wi-Fi up, MQTT connect, read the downlink mailbox,
 * deliver queued frames until each is PUBACKed, acknowledge and clear commands, disconnect.
 *
 * Everything that touches hardware is injected (Wi-Fi, the socket connector, timers, the outbox
 * and where commands are applied), so the same sequence runs on Espruino, on the virtual board
 * and in Node tests. The session has one overall deadline: if the broker goes away (a restart,
 * say) it reconnects with short doubling delays until the deadline, then gives up and reports a
 * failure so the transmit policy backs off. A frame leaves the outbox only after its PUBACK.
 */
import { Clock, Connector, MqttClient } from './client';
import { DownlinkOutcome, DownlinkRules, ackPayload, ackTopic, downTopic, interpretCommand, upTopic } from '../downlink';

export interface PendingFrame {
  boot: number;
  seq: number;
  line: string;
}

/** The outbox as the session sees it. */
export interface FrameSource {
  /** Frames still waiting, oldest first (at most `limit`). */
  pending(limit: number): PendingFrame[];
  /** The broker has it (PUBACK): remove it for good. */
  ack(boot: number, seq: number): void;
}

/** Where checked commands go; returns false if they could not be stored (then no ack is sent). */
export interface Mailbox {
  lastId(): number;
  apply(outcome: DownlinkOutcome): boolean;
}

export interface SessionConfig {
  dev: string;
  ssid: string;
  wifiPassword: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
  keepaliveS: number;
  cleanSession: boolean;
  wifiTimeoutMs: number;
  connectTimeoutMs: number;
  ackTimeoutMs: number;
  /** The whole session, Wi-Fi included, must end by then (ms). */
  sessionTimeoutMs: number;
  /** First delay before reconnecting to the broker within a session. */
  retryDelayMs: number;
  /** Frames published before waiting for their PUBACKs (bounded by the device's RAM). */
  window: number;
  /** Frames read from the outbox per session. */
  maxFrames: number;
  /** Settings and files the app accepts over the air; null: do not read the mailbox. */
  rules: DownlinkRules | null;
  /** Largest MQTT packet accepted (RAM); a bigger mailbox command is refused, acked and cleared. */
  maxPacket?: number;
}

export interface SessionDeps {
  wifiConnect(ssid: string, password: string, timeoutMs: number, cb: (r: { ok: boolean; code?: string }) => void): void;
  wifiOff(): void;
  connector: Connector;
  clock: Clock;
  frames: FrameSource;
  mailbox: Mailbox;
}

export interface SessionResult {
  ok: boolean;
  code?: string;
  /** Frames acknowledged by the broker in this session. */
  sent: number;
  /** Commands applied (not counting duplicates and refusals). */
  applied: number;
  /** Broker connections made (more than 1 after a broker restart). */
  connects: number;
  bytesOut: number;
  bytesIn: number;
}

export var DEFAULT_SESSION = {
  keepaliveS: 30,
  cleanSession: true,
  wifiTimeoutMs: 10000,
  connectTimeoutMs: 5000,
  ackTimeoutMs: 5000,
  sessionTimeoutMs: 30000,
  retryDelayMs: 250,
  window: 4,
  maxFrames: 64,
};

export function runSession(cfg: SessionConfig, deps: SessionDeps, done: (r: SessionResult) => void): void {
  var clock = deps.clock;
  var result: SessionResult = { ok: false, sent: 0, applied: 0, connects: 0, bytesOut: 0, bytesIn: 0 };
  var finished = false;
  var client: MqttClient | null = null;
  var retryTimer: unknown = null;
  var retryDelay = cfg.retryDelayMs;
  var queue: PendingFrame[] = [];
  var inflight = 0;
  /** Mailbox payloads received, in order; null stands for one too big to accept. */
  var commands: (string | null)[] = [];
  var handlingCommands = false;
  var mailboxRead = cfg.rules === null;

  var deadline = clock.setTimeout(function () {
    finish(false, 'E_SESSION_TIMEOUT');
  }, cfg.sessionTimeoutMs);

  function finish(ok: boolean, code?: string): void {
    if (finished) return;
    finished = true;
    clock.clearTimeout(deadline);
    if (retryTimer !== null) clock.clearTimeout(retryTimer);
    if (client) {
      client.onClose = null;
      result.bytesOut = client.bytesOut;
      result.bytesIn = client.bytesIn;
      client.disconnect();
    }
    deps.wifiOff();
    result.ok = ok;
    if (code) result.code = code;
    done(result);
  }

  /** Frames to (re)send on this connection: everything not yet acknowledged. */
  function refill(): void {
    queue = deps.frames.pending(cfg.maxFrames - result.sent);
  }

  function pump(): void {
    if (finished || !client || client.state !== 'connected') return;
    while (inflight < cfg.window && queue.length > 0) {
      publishFrame(queue.shift() as PendingFrame);
    }
    maybeDone();
  }

  function publishFrame(f: PendingFrame): void {
    var c = client as MqttClient;
    inflight++;
    c.publish(upTopic(cfg.dev), f.line, 1, false, function (r) {
      inflight--;
      if (!r.ok) return; // the connection is gone; onClose handles the retry
      deps.frames.ack(f.boot, f.seq);
      result.sent++;
      pump();
    });
  }

  function maybeDone(): void {
    if (finished || inflight > 0 || queue.length > 0 || !mailboxRead || handlingCommands) return;
    if (!client || client.state !== 'connected') return;
    // Anything queued while we were busy? (A long outbox is read in pieces of maxFrames.)
    if (result.sent < cfg.maxFrames) {
      if (deps.frames.pending(1).length > 0) {
        refill();
        pump();
        return;
      }
    }
    finish(true);
  }

  function readMailbox(): void {
    var c = client as MqttClient;
    if (cfg.rules === null) return;
    c.subscribe(downTopic(cfg.dev), 1, function (r) {
      if (!r.ok) {
        // Refused by the broker's ACL: the frames still go; the mailbox stays unread.
        if (r.code === 'E_MQTT_SUB_REFUSED') {
          mailboxRead = true;
          result.code = r.code;
          maybeDone();
        }
        return;
      }
      barrierThenHandle();
    });
  }

  /** After a PINGRESP every retained or live command sent before it has reached onMessage. */
  function barrierThenHandle(): void {
    var c = client as MqttClient;
    handlingCommands = true;
    c.ping(function (r) {
      if (!r.ok) return;
      handleCommands();
    });
  }

  function handleCommands(): void {
    var c = client as MqttClient;
    if (commands.length === 0) {
      handlingCommands = false;
      mailboxRead = true;
      maybeDone();
      return;
    }
    var payload = commands.shift();
    var outcome: DownlinkOutcome =
      payload === null || payload === undefined
        ? { ok: false, id: -1, code: 'E_DL_TOO_BIG', settings: {} }
        : interpretCommand(payload, cfg.rules as DownlinkRules, deps.mailbox.lastId());
    if (outcome.empty) {
      handleCommands();
      return;
    }
    if (!deps.mailbox.apply(outcome)) {
      finish(false, 'E_DL_STORE');
      return;
    }
    if (outcome.ok && !outcome.duplicate) result.applied++;
    c.publish(ackTopic(cfg.dev), ackPayload(outcome), 1, false, function (r) {
      if (!r.ok) return;
      // Clear the mailbox, then look again: a command published meanwhile arrives before this PUBACK.
      c.publish(downTopic(cfg.dev), '', 1, true, function (r2) {
        if (!r2.ok) return;
        barrierThenHandle();
      });
    });
  }

  function connectBroker(): void {
    if (finished) return;
    retryTimer = null;
    var c = new MqttClient(
      {
        host: cfg.host,
        port: cfg.port,
        clientId: cfg.dev,
        keepalive: cfg.keepaliveS,
        cleanSession: cfg.cleanSession,
        username: cfg.username,
        password: cfg.password,
        connectTimeoutMs: cfg.connectTimeoutMs,
        ackTimeoutMs: cfg.ackTimeoutMs,
      },
      deps.connector,
      clock,
      cfg.maxPacket,
    );
    if (client) {
      // Keep the byte counts of earlier connections in this session.
      c.bytesOut = client.bytesOut;
      c.bytesIn = client.bytesIn;
    }
    client = c;
    c.onMessage = function (topic: string, payload: string, retain: boolean, oversize: boolean) {
      if (topic === downTopic(cfg.dev)) commands.push(oversize ? null : payload);
    };
    c.onClose = function () {
      // Broker restart, network hiccup, ack timeout: in-flight frames stay in the outbox.
      inflight = 0;
      queue = [];
      handlingCommands = false;
      commands = [];
      scheduleRetry();
    };
    result.connects++;
    c.connect(function (r) {
      if (!r.ok) return; // onClose schedules the retry
      retryDelay = cfg.retryDelayMs;
      mailboxRead = cfg.rules === null;
      refill();
      if (cfg.rules !== null) readMailbox();
      pump();
    });
  }

  function scheduleRetry(): void {
    if (finished || retryTimer !== null) return;
    retryTimer = clock.setTimeout(connectBroker, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 4000);
  }

  deps.wifiConnect(cfg.ssid, cfg.wifiPassword, cfg.wifiTimeoutMs, function (w) {
    if (finished) return;
    if (!w.ok) {
      finish(false, w.code || 'E_WIFI_ERROR');
      return;
    }
    connectBroker();
  });
}

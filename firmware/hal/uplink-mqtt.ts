/**
 * The MQTT uplink on the device: on each wake, ask the transmit policy whether the radio is worth
 * turning on; if so run one session (Wi-Fi, MQTT, mailbox, frames until PUBACK, disconnect) and
 * record the outcome for the backoff. Frames leave the outbox only after their PUBACK.
 *
 * Network settings come from a Storage file provisioned at flash time (never from the bundle,
 * so one build serves every device and no password sits in the firmware):
 *   spruce.net = {"ssid": "...", "pass": "...", "host": "10.0.0.5", "port": 1883,
 *                 "user": "...", "mqttPass": "...",          (optional)
 *                 "tls": true, "caFile": "spruce.ca"}        (optional: TLS, CA PEM in Storage)
 */
import type { Flash } from '../core/flash';
import type { DownlinkRules } from '../core/downlink';
import type { PendingFrame } from '../core/wake';
import { OutboxView, PolicyConfig, afterSession, decide, Decision } from '../core/policy';
import { DEFAULT_SESSION, FrameSource, SessionResult, runSession } from '../core/mqtt/session';
import { URGENT_KINDS, flashMailbox, loadPolicyState, savePolicyState } from '../core/mqtt/stores';
import type { Uplink } from './uplink';
import { deviceClock, netConnector, tlsConnector } from './net';
import { wifiConnect, wifiOff } from './wifi';

export var NET_FILE = 'spruce.net';

export interface NetProvision {
  ssid: string;
  pass: string;
  host: string;
  port: number;
  user?: string;
  mqttPass?: string;
  /** TLS to the broker; `caFile` names a Storage file holding the CA certificate (PEM). */
  tls?: boolean;
  caFile?: string;
}

export interface MqttUplinkOptions {
  flash: Flash;
  dev: string;
  /** This boot's counter value: the policy's clock (see core/mqtt/stores.ts). */
  boot: number;
  policy: PolicyConfig;
  /** What the mailbox may change; null to ignore the mailbox. */
  rules: DownlinkRules | null;
  /** Typical signed frame length, for the policy's byte estimate. */
  frameBytes: number;
  /** Called once per wake with what happened (for a status line or a test). */
  report?: (r: MqttWakeResult) => void;
}

export interface MqttWakeResult {
  decision: Decision;
  /** Present when a session ran. */
  session?: SessionResult;
  code?: string;
}

/** Reads spruce.net; a code if it is missing or incomplete. */
export function loadNetProvision(): { ok: boolean; code?: string; net?: NetProvision } {
  var net = require('Storage').readJSON(NET_FILE, true) as NetProvision | undefined;
  if (!net || typeof net.ssid !== 'string' || typeof net.host !== 'string' || typeof net.port !== 'number') {
    return { ok: false, code: 'E_NET_NOT_PROVISIONED' };
  }
  return { ok: true, net: net };
}

/** The kind letter of a signed line ('"k":"c"' inside its JSON), or '' if absent. */
function frameKind(line: string): string {
  var at = line.indexOf('"k":"');
  return at < 0 ? '' : line.charAt(at + 5);
}

/** The offered frames as the policy sees them (times on the boot clock). */
function offeredView(frames: PendingFrame[], wakeIntervalS: number, frameBytes: number): OutboxView {
  var view: OutboxView = { count: frames.length, bytes: 0, oldestAt: -1, oldestUrgentAt: -1 };
  for (var i = 0; i < frames.length; i++) {
    var at = frames[i].boot * wakeIntervalS;
    view.bytes += frames[i].line.length || frameBytes;
    if (view.oldestAt < 0 || at < view.oldestAt) view.oldestAt = at;
    if (URGENT_KINDS.indexOf(frameKind(frames[i].line)) >= 0 && (view.oldestUrgentAt < 0 || at < view.oldestUrgentAt)) view.oldestUrgentAt = at;
  }
  return view;
}

/**
 * The Uplink (hal/uplink.ts) over MQTT. send() asks the transmit policy first: most wakes end
 * without the radio. When it transmits, `acked(boot, seq)` is called on each PUBACK only.
 */
export function mqttUplink(o: MqttUplinkOptions): Uplink {
  return {
    send: function (frames: PendingFrame[], acked: (boot: number, seq: number) => boolean, done: () => void): void {
      var flash = o.flash;
      var now = o.boot * o.policy.wakeIntervalS;
      var loaded = loadPolicyState(flash);
      var decision = decide(o.policy, loaded.state, offeredView(frames, o.policy.wakeIntervalS, o.frameBytes), now);
      function report(r: MqttWakeResult): void {
        if (o.report) o.report(r);
        done();
      }
      if (!decision.send) {
        report({ decision: decision });
        return;
      }
      var prov = loadNetProvision();
      if (!prov.ok) {
        report({ decision: decision, code: prov.code });
        return;
      }
      var net = prov.net as NetProvision;
      var waiting = frames.slice();
      var source: FrameSource = {
        pending: function (limit: number): PendingFrame[] {
          return waiting.slice(0, limit);
        },
        ack: function (boot: number, seq: number): void {
          acked(boot, seq);
          for (var i = 0; i < waiting.length; i++) {
            if (waiting[i].boot === boot && waiting[i].seq === seq) {
              waiting.splice(i, 1);
              break;
            }
          }
        },
      };
      runSession(
        {
          dev: o.dev,
          ssid: net.ssid,
          wifiPassword: net.pass || '',
          host: net.host,
          port: net.port,
          username: net.user,
          password: net.mqttPass,
          keepaliveS: DEFAULT_SESSION.keepaliveS,
          cleanSession: DEFAULT_SESSION.cleanSession,
          wifiTimeoutMs: DEFAULT_SESSION.wifiTimeoutMs,
          connectTimeoutMs: DEFAULT_SESSION.connectTimeoutMs,
          ackTimeoutMs: DEFAULT_SESSION.ackTimeoutMs,
          sessionTimeoutMs: DEFAULT_SESSION.sessionTimeoutMs,
          retryDelayMs: DEFAULT_SESSION.retryDelayMs,
          window: DEFAULT_SESSION.window,
          maxFrames: frames.length,
          rules: o.rules,
        },
        {
          wifiConnect: wifiConnect,
          wifiOff: wifiOff,
          connector: net.tls ? tlsConnector(net.caFile ? require('Storage').read(net.caFile) : undefined) : netConnector,
          clock: deviceClock,
          frames: source,
          mailbox: flashMailbox(flash, atob),
        },
        function (r: SessionResult) {
          // Only a session that delivered everything counts as contact; anything else backs off.
          var next = afterSession(o.policy, loaded.state, r.ok, now, Math.random());
          savePolicyState(flash, loaded.gen, next);
          report({ decision: decision, session: r, code: r.code });
        },
      );
    },
  };
}

export interface AppLinkOptions {
  flash: Flash;
  dev: string;
  boot: number;
  /** The app's wake period (ms): the policy's clock step. */
  periodMs: number;
  /**
   * Urgent frames (class changes, errors) reach the broker within this many seconds of the
   * EVENT: the wake that sees it may come up to one period after it, and a session takes a few
   * seconds, so the policy's own bound is what is left after those.
   */
  maxLatencyS: number;
  /** Routine frames (summaries, status) wait at most this long. */
  maxAgeS: number;
  rules: DownlinkRules | null;
  /** The serial uplink, used when the board has no spruce.net. */
  serial: Uplink;
  /** Frames offered per wake over serial (over MQTT a session takes the whole backlog). */
  serialLimit: number;
  report?: (r: MqttWakeResult) => void;
}

/** Seconds a session takes to get a frame to the broker (Wi-Fi association dominates). */
export var SESSION_ALLOWANCE_S = 15;

/** Frames per MQTT session: a long outage's backlog leaves in one session. */
export var MQTT_FRAMES_PER_SESSION = 96;

/**
 * The transport for this wake: MQTT when the board is provisioned with spruce.net (Wi-Fi and
 * broker settings live in Storage, not in the bundle), else the serial console.
 */
export function appUplink(o: AppLinkOptions): { transport: string; uplink: Uplink; limit: number } {
  if (!loadNetProvision().ok) return { transport: 'serial', uplink: o.serial, limit: o.serialLimit };
  var periodS = Math.max(1, Math.floor(o.periodMs / 1000));
  var policy: PolicyConfig = {
    // <= 0 means "send at the wake that sees it": the period alone uses up the bound.
    maxLatencyS: o.maxLatencyS - periodS - SESSION_ALLOWANCE_S,
    maxAgeS: o.maxAgeS,
    batchBytes: 8192,
    wakeIntervalS: periodS,
    mailboxEveryS: 6 * 3600,
    backoffBaseS: 120,
    backoffMaxS: 3600,
  };
  return {
    transport: 'mqtt',
    uplink: mqttUplink({ flash: o.flash, dev: o.dev, boot: o.boot, policy: policy, rules: o.rules, frameBytes: 200, report: o.report }),
    limit: MQTT_FRAMES_PER_SESSION,
  };
}

/**
 * The virtual board's network: what require("net") and require("Wifi") are backed by.
 *
 * Sockets are real Node TCP sockets (loopback by default), so the firmware's MQTT client talks to
 * a real broker. Wi-Fi is simulated: associating takes `wifiConnectMs` of VIRTUAL time (the
 * board's clock, from the board's power model), and while the network is down Wifi.connect
 * never calls back, exactly like Espruino's silent retries, so the firmware's own timeout is what
 * ends it. Taking the network down also cuts the sockets that are open.
 *
 * Real I/O and virtual time meet here: while a socket is connecting or waiting for data the
 * board must not jump its virtual clock to the next timer (a 5 s connect timeout would fire
 * before loopback answers). Each open socket therefore holds the board's real-time gate
 * (`host.holdRealTime()`) and releases it when it closes; the board then runs timers in real time.
 *
 * Radio time goes to the board's meter (on from Wifi.connect() to disconnect(), deep sleep or
 * reboot); this class counts Wi-Fi attempts, sockets and bytes for the power model.
 */
import type { Socket } from 'node:net';

export interface NetworkConditions {
  /** False: Wi-Fi never associates and open sockets are cut. */
  up: boolean;
  /** Wi-Fi answers "Bad password" instead of silence. */
  badPassword: boolean;
  /** Virtual ms Wi-Fi takes to associate and get an address. */
  wifiConnectMs: number;
  /** Hosts a socket may reach; everything else fails like an unreachable host. */
  allowedHosts: string[];
}

export interface NetworkCounters {
  /** Wi-Fi association attempts and how many succeeded. */
  wifiAttempts: number;
  wifiConnects: number;
  /** TCP connections opened, and payload bytes through them. */
  sockets: number;
  bytesOut: number;
  bytesIn: number;
}

/** What the network needs from the board it is plugged into. */
export interface NetworkHost {
  /** Virtual time now, ms. */
  nowMs(): number;
  /** Runs a firmware callback as an event on the board (microtasks drained, errors reported as Uncaught). */
  deliver(fn: (...args: unknown[]) => unknown, args: unknown[]): void;
  /** Schedules a host-side action after `ms` of virtual time (a board timer). */
  after(ms: number, fn: () => void): void;
  /** Keeps the board in real time until the returned release is called. */
  holdRealTime(): () => void;
  /** Creates a real TCP socket (injected so tests can see every socket). */
  connectTcp(host: string, port: number): Socket;
  /** Creates a real TLS socket, verifying the server against `ca` (PEM) when given. */
  connectTls(host: string, port: number, ca: string | undefined): Socket;
  /** The board's radio meter. */
  radioOn(): void;
  radioOff(): void;
  /** Wi-Fi buffers cost JsVars while associated. */
  wifiUp(up: boolean): void;
  /** Throws once the board has halted (deep sleep, power loss): no effects after that. */
  guard(): void;
  /** Plain data copied into the sandbox's realm. */
  toRealm<T>(value: T): T;
}

type Listener = (...args: unknown[]) => unknown;

export class VirtualNetwork {
  conditions: NetworkConditions;
  counters: NetworkCounters = { wifiAttempts: 0, wifiConnects: 0, sockets: 0, bytesOut: 0, bytesIn: 0 };
  private associated = false;
  /** Bumped on every reboot and Wi-Fi drop: late callbacks from before are void. */
  private epoch = 0;
  private open = new Set<{ destroy(): void }>();

  constructor(private host: NetworkHost, conditions: Partial<NetworkConditions> = {}) {
    this.conditions = { up: true, badPassword: false, wifiConnectMs: 1500, allowedHosts: ['127.0.0.1', 'localhost', '::1'], ...conditions };
  }

  /** Takes the network down (or up). Down cuts every open socket and drops the association. */
  setUp(up: boolean): void {
    this.conditions.up = up;
    if (!up) {
      this.setAssociated(false);
      this.epoch++;
      this.cutSockets();
    }
  }

  /** The board rebooted or slept (the chip resets): the radio is off and every socket is gone. */
  reboot(): void {
    this.host.radioOff();
    this.setAssociated(false);
    this.epoch++;
    this.cutSockets();
  }

  /** Closes every socket at the end of a simulation. */
  dispose(): void {
    this.reboot();
  }

  private setAssociated(up: boolean): void {
    this.associated = up;
    this.host.wifiUp(up);
  }

  private cutSockets(): void {
    for (const s of [...this.open]) s.destroy();
    this.open.clear();
  }

  /** require("Wifi") */
  wifiModule(): Record<string, unknown> {
    const listeners: Record<string, Listener[]> = {};
    const emit = (event: string, ...args: unknown[]) => {
      for (const l of listeners[event] ?? []) this.host.deliver(l, args);
    };
    return {
      connect: (ssid: unknown, options: unknown, callback?: Listener) => {
        this.host.guard();
        if (typeof ssid !== 'string') throw new TypeError('Wifi.connect: ssid must be a string');
        this.counters.wifiAttempts++;
        this.host.radioOn();
        const epoch = ++this.epoch;
        this.setAssociated(false);
        this.host.after(this.conditions.wifiConnectMs, () => {
          if (epoch !== this.epoch) return;
          if (this.conditions.badPassword) {
            if (callback) this.host.deliver(callback, ['Bad password']);
            return;
          }
          // Down: Espruino keeps retrying without a word; the firmware's timeout must end it.
          if (!this.conditions.up) return;
          this.setAssociated(true);
          this.counters.wifiConnects++;
          emit('connected', this.host.toRealm({ ip: '10.0.0.2' }));
          if (callback) this.host.deliver(callback, [null]);
        });
        void options;
      },
      disconnect: (callback?: Listener) => {
        this.host.guard();
        const was = this.associated;
        this.setAssociated(false);
        this.epoch++;
        this.cutSockets();
        this.host.radioOff();
        if (was) emit('disconnected', this.host.toRealm({}));
        if (callback) this.host.after(0, () => this.host.deliver(callback, []));
      },
      getIP: () => this.host.toRealm({ ip: this.associated ? '10.0.0.2' : '0.0.0.0', netmask: '255.255.255.0', gw: '10.0.0.1', mac: '24:0a:c4:00:00:01' }),
      getDetails: (callback?: Listener) => {
        const details = this.host.toRealm({ status: this.associated ? 'connected' : 'off', ssid: '' });
        if (callback) this.host.after(0, () => this.host.deliver(callback, [details]));
        return details;
      },
      on: (event: string, l: Listener) => {
        (listeners[event] ??= []).push(l);
      },
      save: () => {},
    };
  }

  /** require("net"), or require("tls") when `secure` (same socket API, TLS underneath). */
  netModule(secure = false): Record<string, unknown> {
    return {
      connect: (options: unknown, callback?: Listener) => {
        this.host.guard();
        return this.connect(options, callback, secure);
      },
    };
  }

  private connect(options: unknown, callback?: Listener, secure = false): Record<string, unknown> {
    const o = (options ?? {}) as { host?: unknown; port?: unknown; ca?: unknown };
    const host = String(o.host ?? 'localhost');
    const port = Number(o.port);
    const listeners: Record<string, Listener[]> = {};
    if (callback) (listeners.connect ??= []).push(callback);
    const epoch = this.epoch;
    let release: (() => void) | null = this.host.holdRealTime();
    let ended = false;
    const emit = (event: string, ...args: unknown[]) => {
      for (const l of listeners[event] ?? []) this.host.deliver(l, args);
    };
    const finish = (error?: { code: number; message: string }) => {
      if (ended) return;
      ended = true;
      if (error) emit('error', this.host.toRealm(error));
      emit('end');
      emit('close', Boolean(error));
      if (release) release();
      release = null;
    };
    let tcp: Socket | null = null;
    const handle = {
      destroy: () => {
        if (tcp) tcp.destroy();
        this.host.after(0, () => finish({ code: -1, message: 'Connection reset' }));
      },
    };
    this.open.add(handle);
    const unreachable = !this.associated || !this.conditions.up || !this.conditions.allowedHosts.includes(host) || !(port > 0 && port < 65536);
    if (unreachable) {
      this.open.delete(handle);
      // Espruino reports a failed connect as an error event, then close.
      this.host.after(0, () => finish({ code: -6, message: 'Unable to connect' }));
    } else {
      this.counters.sockets++;
      tcp = secure ? this.host.connectTls(host, port, typeof o.ca === 'string' ? o.ca : undefined) : this.host.connectTcp(host, port);
      tcp.setNoDelay(true);
      // A TLS socket is usable once the handshake is done (and the certificate checked).
      tcp.on(secure ? 'secureConnect' : 'connect', () => {
        if (epoch === this.epoch && !ended) emit('connect');
      });
      tcp.on('data', (data: Buffer) => {
        if (epoch !== this.epoch || ended) return;
        this.counters.bytesIn += data.length;
        // Espruino strings are 8-bit: one char per byte.
        emit('data', data.toString('latin1'));
      });
      tcp.on('error', (e: NodeJS.ErrnoException) => finish({ code: -1, message: e.code ?? e.message }));
      tcp.on('close', () => {
        this.open.delete(handle);
        finish();
      });
    }
    return {
      write: (data: unknown) => {
        this.host.guard();
        if (ended || !tcp) return false;
        // Espruino's socket.write stringifies what it is given; a typed array becomes "1,2,3".
        const text = typeof data === 'string' ? data : String(data);
        const bytes = Buffer.from(text, 'latin1');
        this.counters.bytesOut += bytes.length;
        tcp.write(bytes);
        return true;
      },
      end: (data?: unknown) => {
        this.host.guard();
        if (ended) return;
        if (tcp) {
          if (typeof data === 'string') tcp.write(Buffer.from(data, 'latin1'));
          // A graceful close: let the last bytes (an MQTT DISCONNECT) drain instead of cutting it.
          this.open.delete(handle);
          tcp.end();
        } else {
          finish();
        }
      },
      on: (event: string, l: Listener) => {
        (listeners[event] ??= []).push(l);
      },
    };
  }
}

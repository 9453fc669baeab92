/**
 * Inputs of the bridge: anything that yields console bytes (serial ports, TCP consoles, virtual
 * boards — all as a host/link Transport) and MQTT uplinks from Wi-Fi devices.
 *
 * Acknowledgements go back over the REPL as `\x10ack(boot,seq)\n`: the DLE byte keeps Espruino from
 * echoing the line (ESPRUINO.md §4), so the ack never shows up as noise in the console stream.
 * Acks are batched per tick: at thousands of frames per second one write per ack would cost more
 * than the rest of the bridge.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Transport } from '../link/transport.ts';
import type { Bridge } from './bridge.ts';

export interface RunningInput {
  name: string;
  /** Human-readable link state for the status line. */
  state(): string;
  close(): Promise<void>;
}

/** The REPL command acknowledging one frame (DLE-prefixed: not echoed). */
export function ackCommand(boot: number, seq: number): string {
  return `\x10ack(${boot},${seq})\n`;
}

/** Connects a byte-stream transport (already opened or not) to the bridge. */
export function attachTransport(bridge: Bridge, transport: Transport): RunningInput {
  let pending: string[] = [];
  let scheduled = false;
  const flushAcks = (): void => {
    scheduled = false;
    const text = pending.join('');
    pending = [];
    transport.write(text).catch(() => {
      // The link is down: the device keeps the frames and resends; they will be re-acknowledged.
      bridge.counters.ackFailures++;
    });
  };
  const input = bridge.attach(transport.name, (boot, seq) => {
    pending.push(ackCommand(boot, seq));
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushAcks);
    }
  });
  let disconnects = 0;
  transport.on('data', (chunk) => input.push(chunk));
  // Fresh framing state on every (re)connect: half a line from before an unplug is never glued on.
  transport.on('open', () => input.reset());
  transport.on('disconnect', () => {
    disconnects++;
    input.reset();
    bridge.emit('input-down', { src: transport.name });
  });
  transport.on('error', (error) => bridge.emit('input-error', { src: transport.name, error }));
  return {
    name: transport.name,
    state: () => (disconnects > 0 ? `${transport.state} (${disconnects} drops)` : transport.state),
    close: () => transport.close(),
  };
}

/** How often a message held while the WAL is full checks for room again. */
const UPLINK_RETRY_MS = 50;

export interface UplinkOptions {
  url: string;
  /**
   * Stable client id: the edge broker keeps our persistent session (and the messages queued in it
   * while the bridge was down) only for the same id. Derived from the WAL directory by the caller.
   */
  clientId?: string;
  clientOptions?: mqtt.IClientOptions;
  topic?: string;
}

/**
 * Subscribes `spruce/+/up` on an edge broker. Each message is one signed line. The PUBACK to the
 * edge broker is sent only once the frame is durable in the WAL (or was rejected): MQTT.js sends it
 * when our handleMessage calls back, so the edge broker keeps (and redelivers) anything we have not
 * made durable.
 */
export function attachUplink(bridge: Bridge, options: UplinkOptions): RunningInput {
  const topic = options.topic ?? 'spruce/+/up';
  const name = `uplink:${options.url.replace(/\/\/[^@/]*@/, '//')}`;
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId ?? `spruce-uplink-${Math.random().toString(16).slice(2, 10)}`,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 500,
    ...options.clientOptions,
  });
  client.on('connect', () => client.subscribe(topic, { qos: 1 }));
  client.on('error', (error) => bridge.emit('input-error', { src: name, error }));
  /**
   * A message refused because the WAL is full. MQTT.js hands over incoming packets one at a time
   * and waits for our callback, so nothing else arrives meanwhile; leaving it unanswered meant
   * waiting for the edge broker's redelivery (after a keepalive timeout and a new session). It is
   * held instead and offered again as soon as the WAL has room; never PUBACKed before it is durable.
   */
  let held: { line: string; settle: () => void } | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  const offer = (line: string, settle: () => void): void => {
    const outcome = bridge.handleLine(name, line, () => settle());
    if (outcome === 'deferred') {
      held = { line, settle };
      if (!retryTimer) retryTimer = setTimeout(retryHeld, UPLINK_RETRY_MS);
      return;
    }
    // Rejected or ignored: nothing to keep, acknowledge now. Accepted: acknowledged once durable.
    if (outcome !== 'accepted' && outcome !== 'reacked') settle();
  };
  const retryHeld = (): void => {
    retryTimer = null;
    const waiting = held;
    if (!waiting) return;
    if (bridge.wal.fullReason() !== null) {
      retryTimer = setTimeout(retryHeld, UPLINK_RETRY_MS);
      return;
    }
    held = null;
    offer(waiting.line, waiting.settle);
  };
  // A new session supersedes the held message: the edge broker redelivers it on that session, and
  // acknowledging the old packet id there could acknowledge a different message.
  client.on('close', () => {
    held = null;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  });
  client.handleMessage = (packet, done) => {
    const line = Buffer.isBuffer(packet.payload) ? packet.payload.toString('latin1') : String(packet.payload);
    let settled = false;
    const settle = (): void => {
      if (!settled) {
        settled = true;
        done();
      }
    };
    offer(line.replace(/\r?\n$/, ''), settle);
  };
  return {
    name,
    state: () => (client.connected ? 'open' : 'reconnecting'),
    close: () => {
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      held = null;
      return new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    },
  };
}

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
  client.handleMessage = (packet, done) => {
    const line = Buffer.isBuffer(packet.payload) ? packet.payload.toString('latin1') : String(packet.payload);
    let settled = false;
    const settle = (): void => {
      if (!settled) {
        settled = true;
        done();
      }
    };
    const outcome = bridge.handleLine(name, line.replace(/\r?\n$/, ''), () => settle());
    // Rejected or ignored: nothing to keep, acknowledge now. Deferred (WAL full): never PUBACK, so
    // the edge broker keeps the message and redelivers it on the next session.
    if (outcome !== 'accepted' && outcome !== 'reacked' && outcome !== 'deferred') settle();
  };
  return {
    name,
    state: () => (client.connected ? 'open' : 'reconnecting'),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}

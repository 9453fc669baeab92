/**
 * Opening the publisher's connection: the TCP or TLS socket for an mqtt:// / mqtts:// URL, and the
 * CONNECT packet with the credentials of this attempt (fresh ones when a preset renews them).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { IClientOptions } from 'mqtt';

export const SECURE_PROTOCOLS = ['mqtts:', 'ssl:', 'tls:'];

export interface BrokerSocket {
  socket: Socket;
  secure: boolean;
  host: string;
  port: number;
}

/** Connects (not yet MQTT): TLS for mqtts://, verified against `ca` unless told otherwise. */
export function openBrokerSocket(url: URL, base: IClientOptions): BrokerSocket {
  const secure = SECURE_PROTOCOLS.includes(url.protocol);
  const port = Number(url.port) || (secure ? 8883 : 1883);
  const host = url.hostname.replace(/^\[|\]$/g, '');
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
  return { socket, secure, host, port };
}

/** The CONNECT packet: clean session, credentials from this attempt, the options, or the URL. */
export function connectPacket(url: URL, base: IClientOptions, fresh: { username?: string; password?: string | Buffer }, protocolVersion: 4 | 5): Buffer {
  const username = fresh.username ?? base.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = fresh.password ?? (base.password as string | Buffer | undefined) ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const packet: mqttPacket.IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion,
    clean: true,
    clientId: base.clientId ?? `spruce-bridge-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    keepalive: base.keepalive ?? 15,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password: Buffer.from(password) } : {}),
  };
  return mqttPacket.generate(packet, { protocolVersion });
}

/**
 * TCP for the MQTT client: adapts Espruino's require("net") sockets (8-bit string data) to the
 * byte-oriented Connector the client in firmware/core/mqtt expects.
 *
 * Espruino's socket.write takes a string (a typed array would be stringified as "1,2,3"), so the
 * bytes are turned into an 8-bit string first; incoming data arrives as 8-bit strings too. Both
 * conversions use Espruino's native E.toString / E.toUint8Array (no per-byte JS loop), with the
 * codec's loop as the fallback when no flat string can be allocated.
 */
import { ByteSocket, Clock, Connector, SocketEvents } from '../core/mqtt/client';
import { bytesToString } from '../core/mqtt/codec';

export var netConnector: Connector = function (host: string, port: number, events: SocketEvents): ByteSocket {
  // Called as a method: Espruino's native functions may rely on `this`.
  return openSocket(function (o, cb) {
    return require('net').connect(o, cb);
  }, host, port, undefined, events);
};

/** TLS to the broker (require("tls")), verifying its certificate against `ca` (PEM). */
export function tlsConnector(ca: string | undefined): Connector {
  return function (host: string, port: number, events: SocketEvents): ByteSocket {
    return openSocket(function (o, cb) {
      return require('tls').connect(o, cb);
    }, host, port, ca, events);
  };
}

type Open = (options: { host: string; port: number; ca?: string }, callback?: () => void) => EspruinoSocket;

function openSocket(open: Open, host: string, port: number, ca: string | undefined, events: SocketEvents): ByteSocket {
  var closed = false;
  function close(code: string): void {
    if (closed) return;
    closed = true;
    events.onClose(code);
  }
  var options: { host: string; port: number; ca?: string } = { host: host, port: port };
  if (ca !== undefined) options.ca = ca;
  var socket = open(options, function () {
    if (!closed) events.onOpen();
  });
  socket.on('data', function (data: string) {
    if (!closed) events.onData(E.toUint8Array(data));
  });
  socket.on('error', function () {
    close('E_NET_ERROR');
  });
  socket.on('end', function () {
    close('E_NET_CLOSED');
  });
  socket.on('close', function () {
    close('E_NET_CLOSED');
  });
  return {
    write: function (bytes: Uint8Array) {
      if (closed) return;
      var text = E.toString(bytes);
      socket.write(text === undefined ? bytesToString(bytes) : text);
    },
    end: function () {
      closed = true;
      socket.end();
    },
  };
}

/** Espruino's timers as the client's Clock. */
export var deviceClock: Clock = {
  setTimeout: function (fn: () => void, ms: number) {
    return setTimeout(fn, ms);
  },
  clearTimeout: function (handle: unknown) {
    clearTimeout(handle as number);
  },
};

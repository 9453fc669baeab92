// The virtual board's require("Wifi") and require("net"): Espruino's behaviour (silent Wi-Fi
// retries, 8-bit string data, error-then-close on a failed connect), real loopback sockets, the
// radio meter, and sockets dying with the chip on deep sleep.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { VirtualBoard } from '../index.ts';
import { networkOf } from './board-network.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A TCP server that echoes bytes back and records what it got and when clients leave. */
async function echoServer() {
  const got: Buffer[] = [];
  let closed = 0;
  const server = net.createServer((s) => {
    s.on('data', (d) => {
      got.push(d);
      s.write(d);
    });
    s.on('close', () => closed++);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, got, closed: () => closed };
}

function boardWith(code: string, wifiConnectMs = 1500) {
  const board = new VirtualBoard();
  const lines: string[] = [];
  board.on('output', (t: string) => lines.push(...t.split(/\r?\n/).filter(Boolean)));
  board.install({ bundle: code });
  const network = networkOf(board, { wifiConnectMs });
  cleanups.push(() => network.dispose());
  return { board, network, lines };
}

describe('virtual Wi-Fi and net', () => {
  it('associates in virtual time, then a socket carries 8-bit strings both ways', async () => {
    const echo = await echoServer();
    const { board, network, lines } = boardWith(`
      var t0 = getTime();
      require("Wifi").connect("lab", { password: "pw" }, function (err) {
        print("wifi", err, Math.round((getTime() - t0) * 1000));
        var s = require("net").connect({ host: "127.0.0.1", port: ${echo.port} }, function () {
          s.write("\\x00\\xff\\x80abc");
        });
        s.on("data", function (d) {
          print("data", d.length, d.charCodeAt(0), d.charCodeAt(1), d.charCodeAt(2), d.substr(3));
          s.end();
        });
        s.on("close", function () {
          print("closed");
          ESP32.deepSleep(1e6);
        });
      });
    `);
    const r = await board.runUntilSleep({ maxMs: 60_000 });
    expect(r.ended).toBe('sleep');
    expect(lines).toEqual(['wifi null 1500', 'data 6 0 255 128 abc', 'closed']);
    expect(Buffer.concat(echo.got)).toEqual(Buffer.from([0, 255, 128, 97, 98, 99]));
    expect(network.counters).toMatchObject({ wifiAttempts: 1, wifiConnects: 1, sockets: 1, bytesOut: 6, bytesIn: 6 });
    const meter = board.meter.reading();
    expect(meter.radioSessions).toBe(1);
    expect(meter.radioMs).toBeGreaterThanOrEqual(1500);
  });

  it('with the network down Wifi.connect never calls back (Espruino retries silently); a bad password is reported', async () => {
    const { board, network, lines } = boardWith(`
      require("Wifi").connect("lab", { password: "pw" }, function (err) { print("cb", err); });
      setTimeout(function () { print("gave up"); ESP32.deepSleep(1e6); }, 20000);
    `);
    network.setUp(false);
    await board.runUntilSleep();
    expect(lines).toEqual(['gave up']);
    expect(board.meter.reading().radioMs).toBe(20_000); // the radio stayed on until the chip slept
    network.setUp(true);
    network.conditions.badPassword = true;
    await board.runUntilSleep();
    expect(lines.slice(1)).toEqual(['cb Bad password', 'gave up']);
  });

  it('a socket without Wi-Fi, or to a host off loopback, fails with error then close', async () => {
    const { board, lines } = boardWith(`
      var s = require("net").connect({ host: "127.0.0.1", port: 1 });
      s.on("error", function (e) { print("error", typeof e.message); });
      s.on("close", function () {
        print("close");
        require("Wifi").connect("lab", {}, function () {
          var t = require("net").connect({ host: "192.0.2.1", port: 1883 });
          t.on("error", function () { print("remote refused"); ESP32.deepSleep(1e6); });
        });
      });
    `);
    await board.runUntilSleep();
    expect(lines).toEqual(['error string', 'close', 'remote refused']);
  });

  it('deep sleep kills open sockets: the server sees the client go', async () => {
    const echo = await echoServer();
    const { board } = boardWith(`
      require("Wifi").connect("lab", {}, function () {
        var s = require("net").connect({ host: "127.0.0.1", port: ${echo.port} }, function () {
          s.write("x");
        });
        s.on("data", function () { ESP32.deepSleep(60e6); });
      });
    `);
    await board.runUntilSleep();
    for (let i = 0; i < 300 && echo.closed() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(echo.closed()).toBe(1);
    expect(board.meter.reading().radioMs).toBeLessThan(60_000); // radio off while asleep
  });
});

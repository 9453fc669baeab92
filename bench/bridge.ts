/**
 * Bridge benchmark, against baselines measured in the same run on the same mosquitto:
 *
 *  1. Throughput: N signed lines in → N PUBACKs from the broker.
 *     - baseline: `mosquitto_pub -l -q 1` publishing the same lines (no verification, no WAL);
 *     - spruce bridge: framer + HMAC verification + WAL with fsync + QoS 1 publish.
 *  2. Latency at 1,000 msg/s, line in → PUBACK:
 *     - baseline: MQTT.js QoS 1 publish of the line alone (no verification, no WAL);
 *     - spruce bridge, everything on.
 *
 * Fairness on a shared, noisy machine: the throughput runs alternate (mosquitto_pub, bridge,
 * mosquitto_pub, bridge, …; --rounds of each, default 3), and the table gives each path's best and
 * median plus the min/median/max of the per-round ratios, with the load average. The bridge gets one
 * untimed warm-up run first (JIT compilation, as in any long-running bridge); mosquitto_pub is native
 * code and needs none. Both paths publish the same signed lines to the same broker.
 *
 * Run: node --expose-gc bin/run-ts.mjs bench/bridge.ts [--messages 40000] [--rounds 3] [--latency-seconds 5] [--window 1000]
 * Needs mosquitto and mosquitto-clients (Debian packages).
 */
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { Bridge } from '../host/bridge/bridge.ts';
import { makeBrokerSink } from '../host/bridge/run.ts';
import type { BrokerSink } from '../host/bridge/sink.ts';
import { Wal } from '../host/bridge/wal.ts';
import { generateKey } from '../host/keys.ts';
import { DeviceSim } from '../test/support/device-sim.ts';
import { Mosquitto } from '../test/support/mosquitto.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const MESSAGES = arg('messages', 40_000);
const LATENCY_SECONDS = arg('latency-seconds', 5);
const DEVICES = 4;
const WINDOW = arg('window', 1000);
const ROUNDS = Math.max(1, arg('rounds', 3));

interface Fixture {
  keys: Record<string, string>;
  lines: string[];
}

function makeLines(count: number, bootBase: number): Fixture {
  const keys: Record<string, string> = {};
  for (let d = 0; d < DEVICES; d++) keys[`bench${d}`] = generateKey();
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const dev = `bench${i % DEVICES}`;
    lines.push(DeviceSim.frame(keys[dev]!, { dev, boot: bootBase, seq: Math.floor(i / DEVICES), k: 'r', d: { t: 2150 + (i % 50), h: 4120, c: 800 + (i % 300) } }));
  }
  return { keys, lines };
}

async function mosquittoPub(url: URL, lines: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn('mosquitto_pub', ['-h', url.hostname, '-p', url.port, '-q', '1', '-t', 'bench/baseline', '-l', '-V', 'mqttv5'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end(lines.join('\n') + '\n');
  const code = await exited;
  if (code !== 0) throw new Error(`mosquitto_pub failed (${code}): ${stderr}`);
  return performance.now() - started;
}

async function makeBridge(url: string, keys: Record<string, string>, dir: string): Promise<{ bridge: Bridge; sink: BrokerSink; wal: Wal }> {
  const wal = await Wal.open(dir);
  const sink = makeBrokerSink({ url, protocol: 5, window: WINDOW });
  await sink.start();
  const bridge = new Bridge({ keys, wal, sinks: [sink] });
  bridge.start();
  return { bridge, sink, wal };
}

async function bridgeThroughput(url: string, fixture: Fixture, dir: string): Promise<number> {
  const { bridge, sink, wal } = await makeBridge(url, fixture.keys, dir);
  const input = bridge.attach('bench', () => {});
  const bytes = Buffer.from(fixture.lines.map((l) => l + '\r\n').join(''), 'latin1');
  const done = new Promise<void>((resolve) => {
    bridge.on('forwarded', () => {
      if (bridge.counters.forwarded === fixture.lines.length) resolve();
    });
  });
  const started = performance.now();
  // Serial-port sized chunks, yielding between them as a real input does.
  for (let offset = 0; offset < bytes.length; offset += 4096) {
    input.push(bytes.subarray(offset, offset + 4096));
    if ((offset / 4096) % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  await done;
  const ms = performance.now() - started;
  if (bridge.counters.accepted !== fixture.lines.length) throw new Error(`bridge accepted ${bridge.counters.accepted} of ${fixture.lines.length}`);
  bridge.stop();
  await sink.close();
  await wal.close();
  return ms;
}

/** The disk's own fdatasync latency: the floor under any line-in → durable → PUBACK latency. */
function fsyncLatencies(dir: string, count = 300): number[] {
  const path = join(dir, 'fsync-probe');
  const fd = openSync(path, 'a');
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    writeSync(fd, 'x'.repeat(200) + '\n');
    const started = performance.now();
    fdatasyncSync(fd);
    out.push(performance.now() - started);
  }
  closeSync(fd);
  return out.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends lines at `rate` per second; returns per-message latency in ms from send() to onDone. */
async function paced(lines: string[], rate: number, send: (line: string, index: number) => void, register: (cb: (index: number) => void) => void): Promise<number[]> {
  const sentAt = new Float64Array(lines.length);
  const latencies: number[] = [];
  let finished = 0;
  const allDone = new Promise<void>((resolve) =>
    register((index) => {
      latencies.push(performance.now() - sentAt[index]!);
      if (++finished === lines.length) resolve();
    }),
  );
  const t0 = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(lines.length, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (next < due) {
        sentAt[next] = performance.now();
        send(lines[next]!, next);
        next++;
      }
      if (next < lines.length) setTimeout(tick, 0);
      else resolve();
    };
    tick();
  });
  await allDone;
  return latencies.sort((a, b) => a - b);
}

async function mqttjsLatency(url: string, lines: string[]): Promise<number[]> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'bench-mqttjs' });
  let onDone: (index: number) => void = () => {};
  const latencies = await paced(
    lines,
    1000,
    (line, index) => client.publish('bench/mqttjs', line, { qos: 1 }, () => onDone(index)),
    (cb) => (onDone = cb),
  );
  await client.endAsync();
  return latencies;
}

async function bridgeLatency(url: string, fixture: Fixture, dir: string): Promise<number[]> {
  const { bridge, sink, wal } = await makeBridge(url, fixture.keys, dir);
  const input = bridge.attach('bench', () => {});
  const indexOf = new Map<string, number>();
  let onDone: (index: number) => void = () => {};
  bridge.on('forwarded', (entry: { dev: string; boot: number; seq: number }) => onDone(indexOf.get(`${entry.dev}:${entry.boot}:${entry.seq}`)!));
  fixture.lines.forEach((line, i) => {
    const m = /"dev":"([^"]+)","boot":(\d+),"seq":(\d+)/.exec(line)!;
    indexOf.set(`${m[1]}:${m[2]}:${m[3]}`, i);
  });
  const latencies = await paced(
    fixture.lines,
    1000,
    (line) => input.push(Buffer.from(line + '\r\n', 'latin1')),
    (cb) => (onDone = cb),
  );
  bridge.stop();
  await sink.close();
  await wal.close();
  return latencies;
}

async function main(): Promise<void> {
  const broker = await Mosquitto.start();
  const work = mkdtempSync(join(tmpdir(), 'spruce-bench-bridge-'));
  try {
    const url = new URL(broker.url);
    const throughputLines = makeLines(MESSAGES, 1);
    console.log(`bench/bridge: ${MESSAGES} signed lines (${throughputLines.lines[0]!.length} bytes each), mosquitto ${broker.url}, ${DEVICES} devices`);
    const loadBefore = loadavg()[0]!;
    // Untimed warm-up of the bridge (JIT), on a fresh WAL and fresh (boot) numbers like every run.
    await bridgeThroughput(broker.url, makeLines(Math.min(MESSAGES, 20_000), 9), join(work, 'wal-warmup'));
    // Interleave runs (baseline, bridge, baseline, bridge, …), to be fair on a noisy machine.
    const pubTimes: number[] = [];
    const bridgeTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      pubTimes.push(await mosquittoPub(url, throughputLines.lines));
      bridgeTimes.push(await bridgeThroughput(broker.url, makeLines(MESSAGES, 10 + round), join(work, `wal-t${round}`)));
    }
    const loadAfter = loadavg()[0]!;
    const rate = (ms: number): number => (MESSAGES / ms) * 1000;
    const pubRate = rate(Math.min(...pubTimes));
    const bridgeRate = rate(Math.min(...bridgeTimes));
    const ratios = pubTimes.map((pubMs, i) => rate(bridgeTimes[i]!) / rate(pubMs)).sort((a, b) => a - b);

    // Latency rounds are interleaved too (baseline, bridge, …), each after a full GC when the bench
    // runs with --expose-gc (npm run bench:bridge does): the throughput rounds leave hundreds of MB of
    // garbage, and a major GC landing inside one 5-s window moved a single p99 by 20–60 ms, on
    // either path. Every round's p99 is printed; the target is judged on the median round.
    const latencyCount = LATENCY_SECONDS * 1000;
    const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
    const baseRounds: number[][] = [];
    const ourRounds: number[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      collect();
      baseRounds.push(await mqttjsLatency(broker.url, makeLines(latencyCount, 20 + 2 * round).lines));
      collect();
      ourRounds.push(await bridgeLatency(broker.url, makeLines(latencyCount, 21 + 2 * round), join(work, `wal-latency${round}`)));
    }
    const medianRound = (rounds: number[][]): number[] => [...rounds].sort((a, b) => percentile(a, 99) - percentile(b, 99))[Math.floor(rounds.length / 2)]!;
    const base = medianRound(baseRounds);
    const ours = medianRound(ourRounds);
    const disk = fsyncLatencies(work);

    const row = (cells: string[]): string => '| ' + cells.join(' | ') + ' |';
    console.log('');
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    console.log(`Throughput: signed lines in → PUBACK from mosquitto (QoS 1), ${ROUNDS} interleaved rounds, load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)}`);
    console.log(row(['path', 'messages', 'best msg/s', 'median msg/s', 'best vs mosquitto_pub']));
    console.log(row(['---', '---:', '---:', '---:', '---:']));
    console.log(row(['mosquitto_pub -l -q 1 (no verification, no WAL)', String(MESSAGES), pubRate.toFixed(0), rate(median(pubTimes)).toFixed(0), '1.00']));
    console.log(row(['spruce bridge (frame + HMAC verify + WAL fsync + QoS 1)', String(MESSAGES), bridgeRate.toFixed(0), rate(median(bridgeTimes)).toFixed(0), (bridgeRate / pubRate).toFixed(2)]));
    console.log(`per-round ratio bridge / mosquitto_pub: min ${ratios[0]!.toFixed(2)}, median ${median(ratios).toFixed(2)}, max ${ratios.at(-1)!.toFixed(2)} (rounds: ${pubTimes.map((p, i) => (rate(bridgeTimes[i]!) / rate(p)).toFixed(2)).join(', ')})`);
    console.log('');
    console.log(`Latency at 1,000 msg/s, line in → PUBACK (ms): ${ROUNDS} interleaved rounds of ${LATENCY_SECONDS} s, the round with the median p99 shown${collect.name === 'gc' ? ', full GC before each' : ' (run with --expose-gc to collect garbage before each)'}`);
    console.log(row(['path', 'p50', 'p99', 'max', 'p99 vs baseline']));
    console.log(row(['---', '---:', '---:', '---:', '---:']));
    console.log(row(['MQTT.js publish QoS 1 only (baseline)', percentile(base, 50).toFixed(2), percentile(base, 99).toFixed(2), base.at(-1)!.toFixed(2), '1.00']));
    console.log(row(['spruce bridge (verify + WAL fsync + QoS 1)', percentile(ours, 50).toFixed(2), percentile(ours, 99).toFixed(2), ours.at(-1)!.toFixed(2), (percentile(ours, 99) / percentile(base, 99)).toFixed(2)]));
    console.log(row(['(reference) one fdatasync of this disk', percentile(disk, 50).toFixed(2), percentile(disk, 99).toFixed(2), disk.at(-1)!.toFixed(2), (percentile(disk, 99) / percentile(base, 99)).toFixed(2)]));
    const p99s = (rounds: number[][]): string => rounds.map((r) => percentile(r, 99).toFixed(2)).join(', ');
    console.log(`p99 of every round: baseline ${p99s(baseRounds)}; bridge ${p99s(ourRounds)}`);
    console.log('');
    console.log(`target: bridge at least as fast as mosquitto_pub (best vs best >= 1.00): ${bridgeRate >= pubRate ? 'met' : 'NOT met'}; median round ratio >= 1.00: ${median(ratios) >= 1 ? 'met' : 'NOT met'}; median-round p99 under 10 ms: ${percentile(ours, 99) < 10 ? 'met' : 'NOT met'}`);
  } finally {
    await broker.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

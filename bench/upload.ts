/**
 * Upload throughput: spruce vs the stock `espruino` CLI, same 20 KB bundle, same virtual board,
 * same run, both consoles paced at 115200 baud (8N1: 11,520 bytes/s is the ceiling).
 *
 *   node bin/run-ts.mjs bench/upload.ts [--bytes 20480] [--baud 115200] [--chunk 2048]
 *
 * spruce goes over a real pseudo-terminal (socat) with the packet protocol and the full verified
 * flash (stage, SHA-256 on the board, commit, restart, confirm). The stock CLI goes over the board's
 * TCP console (how it reaches an ESP32 over Wi-Fi), writing the same file to Storage as boot code
 * (`--storage .bootcde:<file>`), and, for reference, its default upload to RAM (not persistent). A run
 * ends when the CLI has exited and the board has printed the run's last line. Its fixed cost
 * (start-up, connect) is measured separately with `-e 1` and subtracted for its transfer figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EspruinoClient } from '../host/link/espruino.ts';
import { flashApp } from '../host/link/flash.ts';
import { SerialTransport } from '../host/link/serial.ts';
import { projectRoot } from '../host/paths.ts';
import { VirtualBoard } from '../host/sim/index.ts';
import { serveVirtualBoard } from '../host/sim/console/index.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** A deterministic ES5 bundle of about `bytes` bytes: small functions and a data table, like real output. */
export function syntheticBundle(bytes: number): string {
  const parts: string[] = ['var Array_slice=[].slice;'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes - 200; i++) {
    const part =
      i % 3 === 0
        ? `function f${i}(a,b){var s=0;for(var k=0;k<a.length;k++)s+=a[k]*${(i % 7) + 1}-b;return s>>${i % 5}}`
        : i % 3 === 1
          ? `var t${i}=[${Array.from({ length: 12 }, (_, k) => ((i * 31 + k * 17) % 255) - 127).join(',')}];`
          : `function g${i}(x){return x<${i}?f${i - 2}(t${i - 1},x):"k${i}"+x}`;
    parts.push(part);
    size += part.length;
  }
  const tail = 'print("bench bundle loaded");';
  let code = parts.join('') + tail;
  if (code.length < bytes) code = code.slice(0, code.length - tail.length) + `var pad="${'p'.repeat(bytes - code.length - 10)}";` + tail;
  return code;
}

/**
 * Runs the stock CLI; the time ends when it has exited AND the board has printed `marker` (the CLI
 * may exit while its last bytes are still on the wire: the upload is done only when they arrived).
 */
function runStock(args: string[], cwd: string, board: VirtualBoard, marker: string): Promise<{ ms: number; code: number; output: string }> {
  process.stderr.write(`bench: espruino ${args.join(' ')}\n`);
  const started = performance.now();
  let seen = '';
  let markedAt: number | undefined;
  const onOutput = (text: string) => {
    seen = (seen + text).slice(-4096);
    if (markedAt === undefined && seen.includes(marker)) markedAt = performance.now();
  };
  board.on('output', onOutput);
  const child = spawn(process.execPath, [join(projectRoot(), 'node_modules/espruino/bin/espruino-cli.js'), '--no-ble', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) =>
    child.on('exit', async (code) => {
      const exitedAt = performance.now();
      const deadline = exitedAt + 30_000;
      while (markedAt === undefined && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      board.off('output', onOutput);
      const end = Math.max(exitedAt, markedAt ?? Infinity);
      resolve({ ms: end - started, code: markedAt === undefined ? -2 : code ?? -1, output });
    }),
  );
}

async function main(): Promise<void> {
  const bytes = arg('bytes', 20480);
  const baud = arg('baud', 115200);
  const chunk = arg('chunk', 2048);
  const lineRate = baud / 10;
  const dir = mkdtempSync(join(tmpdir(), 'spruce-bench-upload-'));
  process.env.SPRUCE_RUN_DIR = join(dir, 'run');
  const bundle = syntheticBundle(bytes);
  const file = join(dir, 'bundle.js');
  writeFileSync(file, bundle);
  // A local board file so the stock CLI does not fetch ESP32.json from espruino.com.
  const boardJson = join(dir, 'ESP32.json');
  writeFileSync(boardJson, JSON.stringify({ info: { binary_version: '2v29', builtin_modules: ['Storage', 'crypto', 'Wifi', 'net', 'ESP32'] } }));

  const board = new VirtualBoard();
  const served = await serveVirtualBoard(board, { serial: true, tcp: 0, baud });
  const rows: Array<{ what: string; ms: number; rate: number; note: string }> = [];
  try {
    process.stderr.write('bench: spruce flash over the pty\n');
    // spruce over the pty.
    const transport = new SerialTransport(served.serialPath!, { baudRate: baud });
    await transport.open();
    const client = new EspruinoClient(transport, { chunkSize: chunk });
    const result = await flashApp(client, { app: 'bench', board: 'esp32', bundle: Buffer.from(bundle), files: [] });
    client.detach();
    await transport.close();
    const sent = result.bytesSent;
    rows.push({ what: 'spruce: transfer (packets over pty)', ms: result.transferMs, rate: (sent / result.transferMs) * 1000, note: `${sent} B incl. version record` });
    rows.push({ what: 'spruce: whole flash (verify+restart)', ms: result.totalMs, rate: (bytes / result.totalMs) * 1000, note: 'connect, hash check, upload, SHA-256 verify, commit, confirm' });

    // The stock CLI over TCP.
    const tcp = `tcp://127.0.0.1:${served.tcpPort}`;
    const baseline = await runStock(['-p', tcp, '--board', boardJson, '-e', 'print("connected")'], dir, board, 'connected');
    const storage = await runStock(['-p', tcp, '--board', boardJson, '--storage', `.bootcde:${file}`, '-e', 'print("stock done")'], dir, board, 'stock done');
    const ram = await runStock(['-p', tcp, '--board', boardJson, file], dir, board, 'bench bundle loaded');
    const stockOk = board.storage.readString('.bootcde') === bundle;
    // The --storage upload takes many seconds, so wall time minus the connect-only run is a fair
    // estimate of its transfer. The RAM upload is too short for that subtraction to mean anything
    // (start-up jitter is of the same size): it gets its whole-run figure only.
    const storageTransferMs = Math.max(1, storage.ms - baseline.ms);
    rows.push({ what: 'stock CLI: --storage .bootcde, transfer', ms: storageTransferMs, rate: (bytes / storageTransferMs) * 1000, note: `wall ${(storage.ms / 1000).toFixed(1)} s minus connect-only ${(baseline.ms / 1000).toFixed(1)} s` });
    for (const [what, run] of [
      ['stock CLI: --storage .bootcde, whole run', storage],
      ['stock CLI: default upload to RAM, whole run', ram],
    ] as const) {
      rows.push({ what, ms: run.ms, rate: (bytes / run.ms) * 1000, note: run.code === 0 ? 'exit 0, board got it all' : run.code === -2 ? 'the board never got the end of it' : `exit ${run.code}` });
    }

    const spruceTransfer = rows[0]!.rate;
    const spruceWhole = rows[1]!.rate;
    const stockFlashTransfer = rows[2]!.rate;
    const stockFlashWhole = rows[3]!.rate;
    const pad = (s: string, n: number) => s.padEnd(n);
    console.log(`\nUpload of a ${bytes}-byte bundle at ${baud} baud (line rate ${lineRate} B/s), one virtual board\n`);
    console.log(`${pad('what', 44)} ${pad('time s', 8)} ${pad('bytes/s', 9)} ${pad('of line', 8)} note`);
    for (const row of rows) {
      console.log(`${pad(row.what, 44)} ${pad((row.ms / 1000).toFixed(2), 8)} ${pad(Math.round(row.rate).toString(), 9)} ${pad(((row.rate / lineRate) * 100).toFixed(1) + '%', 8)} ${row.note}`);
    }
    console.log('\nratios');
    console.log(`  spruce transfer / line rate                 ${(spruceTransfer / lineRate).toFixed(3)}   (target >= 0.85)`);
    console.log(`  spruce transfer / stock --storage transfer  ${(spruceTransfer / stockFlashTransfer).toFixed(2)}x`);
    console.log(`  spruce whole flash / stock --storage run    ${(spruceWhole / stockFlashWhole).toFixed(2)}x  (spruce also verifies by SHA-256 and restarts)`);
    console.log(`  spruce whole flash / stock RAM upload run    ${(spruceWhole / ((bytes / ram.ms) * 1000)).toFixed(2)}x  (the RAM upload does not survive a reset)`);
    console.log(`  stock --storage wrote the bundle intact:    ${stockOk ? 'yes' : 'NO'}`);
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

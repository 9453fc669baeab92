/**
 * Where the bytes of a bundle come from: attributes every byte of a built app's minified ES5
 * bundle to the TypeScript module it was compiled from, through the bundle's source map
 * (dist/<board>/<app>.js.map, written by `spruce build`), and prints a per-module table.
 *
 *   node bin/run-ts.mjs bench/bundle-size.ts [--board esp32] [--app occupancy] [--build]
 *                                            [--against <dir>] [--show <module>] [--json]
 *
 * --build      build the app first (into a temp folder; dist/ is left alone) instead of reading
 *              dist/<board>/<app>.js
 * --show <m>   also print the minified text charged to modules whose path contains <m>, with
 *              other modules' text elided as "…" (to see what a module costs, byte by byte)
 * --against    another output folder holding <app>.js + <app>.js.map (e.g. a copy of dist/esp32
 *              taken before a change): adds its bytes per module and the ratio new/old, so a
 *              size change is measured against a baseline in the same run
 *
 * How bytes are attributed: each mapping segment owns the generated text from its column up to
 * the next segment's column on the same line (or the line end). Text before a line's first
 * segment, and segments without a source, count as "(unmapped)" (the shim prologue, the iife
 * wrapper and the `var` lists the final hoisting pass writes). Mangled names and punctuation
 * are charged to the module whose code they belong to, which is the cost that module adds.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TraceMap, decodedMappings } from '@jridgewell/trace-mapping';
import { buildApp } from '../host/build/index.ts';
import { distDir } from '../host/paths.ts';

export interface ModuleBytes {
  module: string;
  bytes: number;
}

/** Bytes of `code` per source of `map` (sources as the map names them), largest first. */
export function attributeBytes(code: string, map: string | object, show?: (module: string, text: string) => void): ModuleBytes[] {
  const traced = new TraceMap(map as never);
  const lines = code.split('\n');
  const mappings = decodedMappings(traced);
  const totals = new Map<string, number>();
  const add = (name: string, n: number): void => {
    if (n > 0) totals.set(name, (totals.get(name) ?? 0) + n);
  };
  for (let line = 0; line < lines.length; line++) {
    // Byte lengths, not UTF-16 lengths: the bundle is ASCII (terser's ascii_only), but be exact.
    const text = lines[line]!;
    const segments = mappings[line] ?? [];
    const newline = line < lines.length - 1 ? 1 : 0;
    if (segments.length === 0) {
      add('(unmapped)', Buffer.byteLength(text) + newline);
      continue;
    }
    add('(unmapped)', Buffer.byteLength(text.slice(0, segments[0]![0])));
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i]!;
      const end = i + 1 < segments.length ? segments[i + 1]![0] : text.length;
      const source = segment.length >= 4 ? traced.sources[segment[1]!] ?? '(unmapped)' : '(unmapped)';
      add(source ?? '(unmapped)', Buffer.byteLength(text.slice(segment[0], end)));
      if (show) show(shortName(source ?? '(unmapped)'), text.slice(segment[0], end));
    }
    add('(unmapped)', newline);
  }
  return [...totals.entries()].map(([module, bytes]) => ({ module: shortName(module), bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** "../../firmware/core/wire.ts" or an absolute path -> "firmware/core/wire.ts"; tslib by name. */
function shortName(source: string): string {
  const firmware = source.lastIndexOf('firmware/');
  if (firmware >= 0) return source.slice(firmware);
  const nodeModules = source.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return source.slice(nodeModules + 'node_modules/'.length);
  return source;
}

/** The part of the firmware a module belongs to, for the summary lines. */
export function groupOf(module: string): string {
  if (module.startsWith('firmware/core/lut/') || module.startsWith('firmware/core/features/')) return 'classifier runtime (core/lut, core/features)';
  if (module.startsWith('firmware/core/mqtt/')) return 'mqtt client (core/mqtt)';
  if (/^firmware\/apps\/[^/]+\/(classifier\.ts|.*\.gen\.ts)$/.test(module)) return 'app classifier + generated model refs';
  if (module.startsWith('firmware/apps/')) return 'app (main, config)';
  if (module.startsWith('firmware/hal/')) return 'hal';
  if (module.startsWith('firmware/core/')) return 'core';
  if (module.startsWith('tslib')) return 'tslib helpers';
  return '(unmapped: shims, iife, hoisted var lists)';
}

interface Measured {
  bytes: number;
  modules: ModuleBytes[];
}

function readBuilt(dir: string, app: string, show?: string): Measured {
  const bundle = join(dir, `${app}.js`);
  const mapFile = `${bundle}.map`;
  if (!existsSync(bundle) || !existsSync(mapFile)) {
    throw new Error(`bench/bundle-size: ${bundle} or its .map is missing; run \`node bin/spruce.mjs build --app ${app}\` or pass --build`);
  }
  const code = readFileSync(bundle, 'utf8');
  let shown = '';
  let elided = false;
  const collect = show === undefined ? undefined : (module: string, text: string): void => {
    if (module.includes(show)) {
      shown += text;
      elided = false;
    } else if (!elided) {
      shown += '…';
      elided = true;
    }
  };
  const modules = attributeBytes(code, readFileSync(mapFile, 'utf8'), collect);
  if (show !== undefined) console.log(`${shown}\n`);
  return { bytes: Buffer.byteLength(code), modules };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const board = option('--board') ?? 'esp32';
  const app = option('--app') ?? 'occupancy';
  const against = option('--against');
  const json = args.includes('--json');
  const show = option('--show');

  let current: Measured;
  if (args.includes('--build')) {
    const outDir = mkdtempSync(join(tmpdir(), 'spruce-bundle-size-'));
    try {
      await buildApp({ board, app, outDir });
      current = readBuilt(outDir, app, show);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  } else {
    current = readBuilt(join(distDir(), board), app, show);
  }
  const baseline = against ? readBuilt(against, app) : undefined;
  const baseOf = (module: string): number | undefined => baseline ? baseline.modules.find((m) => m.module === module)?.bytes ?? 0 : undefined;

  const groups = new Map<string, number>();
  for (const m of current.modules) groups.set(groupOf(m.module), (groups.get(groupOf(m.module)) ?? 0) + m.bytes);
  const baseGroups = new Map<string, number>();
  for (const m of baseline?.modules ?? []) baseGroups.set(groupOf(m.module), (baseGroups.get(groupOf(m.module)) ?? 0) + m.bytes);

  if (json) {
    console.log(JSON.stringify({
      app, board, bytes: current.bytes, modules: current.modules,
      groups: Object.fromEntries(groups),
      ...(baseline ? { baseline: { bytes: baseline.bytes, modules: baseline.modules, groups: Object.fromEntries(baseGroups) } } : {}),
    }, null, 2));
    return;
  }

  const modules = [...current.modules];
  for (const m of baseline?.modules ?? []) if (!modules.some((c) => c.module === m.module)) modules.push({ module: m.module, bytes: 0 });
  const header = ['module', 'bytes', 'share', ...(baseline ? ['baseline', 'ratio'] : [])];
  const row = (name: string, bytes: number, base: number | undefined): string[] => [
    name, String(bytes), `${((bytes / current.bytes) * 100).toFixed(1)}%`,
    ...(baseline ? [String(base ?? 0), base ? (bytes / base).toFixed(2) : '-'] : []),
  ];
  const rows = modules.map((m) => row(m.module, m.bytes, baseOf(m.module)));
  const groupRows = [...new Set([...groups.keys(), ...baseGroups.keys()])]
    .map((g) => row(g, groups.get(g) ?? 0, baseline ? baseGroups.get(g) ?? 0 : undefined))
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  const total = row('TOTAL', current.bytes, baseline?.bytes);
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, ...groupRows, total].map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const rule = line(widths.map((w) => '-'.repeat(w)));
  console.log(`${app} for ${board}: ${current.bytes} bytes${baseline ? ` (baseline ${baseline.bytes}, ratio ${(current.bytes / baseline.bytes).toFixed(3)})` : ''}`);
  console.log([line(header), rule, ...rows.map(line), rule, ...groupRows.map(line), rule, line(total)].join('\n'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}

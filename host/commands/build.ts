/**
 * `spruce build --board <id> [--app <name>] [--out <dir>] [--json]`
 *
 * Compiles each app (firmware/apps/<name>/main.ts) to one ES5 bundle for the board, runs the
 * dialect guard, and checks the size against the board's budget. Progress goes to stderr; the
 * size table (or, with --json, one JSON document) goes to stdout so scripts can pipe it.
 * Every app is attempted; if any fails, the failures are listed and the exit status is 4 (BUILD).
 */
import { resolve } from 'node:path';
import type { CommandSpec } from './command.ts';
import { loadBoard } from '../boards.ts';
import { SpruceError, describeError, isSpruceError } from '../errors.ts';
import { buildApp, listApps, appsDir, formatSizeTable, formatViolation, ESTIMATE_NOTE, type AppBuildResult } from '../build/index.ts';
import { toProjectPath } from '../build/bundle.ts';

interface BuildFlags {
  board: string;
  app?: string;
  out?: string;
  apps?: string;
  json?: boolean;
}

interface Failure {
  app: string;
  code: string;
  message: string;
  hint?: string;
  error: SpruceError;
}

export const buildCommand: CommandSpec = {
  name: 'build',
  summary: 'compile firmware apps to ES5 bundles for a board (dialect guard + size report)',
  configure(command) {
    command
      .requiredOption('-b, --board <id>', 'board to build for (a file in boards/, e.g. esp32)')
      .option('-a, --app <name>', 'build only this app (default: every app in firmware/apps)')
      .option('-o, --out <dir>', 'output folder (default: dist/<board>)')
      .option('--apps <dir>', 'folder holding the apps (default: firmware/apps)')
      .option('--json', 'print one machine-readable JSON document on stdout')
      .addHelpText('after', `
Outputs, per app: <out>/<app>.js (the bundle), <app>.js.map, <app>.manifest.json (read by
\`spruce flash\` and the virtual board).
JsVars are an estimate: ${ESTIMATE_NOTE}.
Exit status 4 when a build fails: type error, dialect violation, or over budget.`)
      .action(async (flags: BuildFlags) => runBuild(flags));
  },
};

async function runBuild(flags: BuildFlags): Promise<void> {
  const board = loadBoard(flags.board);
  const folder = flags.apps ? resolve(flags.apps) : appsDir();
  const apps = flags.app ? [flags.app] : listApps(folder);
  if (apps.length === 0) {
    throw new SpruceError('E_APP_NONE', `no apps in ${toProjectPath(folder)}`, { hint: 'create firmware/apps/<name>/main.ts and app.json', exit: 'USAGE' });
  }
  const results: AppBuildResult[] = [];
  const failures: Failure[] = [];
  for (const [index, app] of apps.entries()) {
    const started = Date.now();
    process.stderr.write(`spruce build: [${index + 1}/${apps.length}] ${app} for ${board.id} ... `);
    try {
      const result = await buildApp({ board: board.id, app, outDir: flags.out, appsDir: folder });
      results.push(result);
      process.stderr.write(`ok (${result.manifest.bytes} bytes, ${Date.now() - started} ms)\n`);
      for (const warning of result.violations) process.stderr.write(`  ${formatViolation(warning)}\n`);
      for (const warning of result.bundleWarnings) process.stderr.write(`  warning (rollup): ${warning}\n`);
    } catch (error) {
      if (!isSpruceError(error)) throw error;
      process.stderr.write('FAILED\n');
      failures.push({ app, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), error });
      // A single app's error is thrown as is below (main prints it once, with its own exit code).
      if (!flags.json && apps.length > 1) process.stderr.write(`${describeError(error)}\n`);
    }
  }

  if (flags.json) {
    process.stdout.write(`${JSON.stringify({
      board: board.id,
      estimate: ESTIMATE_NOTE,
      apps: results.map((r) => ({
        ...r.report,
        bundle: r.bundlePath,
        manifest: r.manifestPath,
        sha256: r.manifest.sha256,
        storage: r.manifest.storage,
        warnings: r.violations,
        bundleWarnings: r.bundleWarnings,
      })),
      failures: failures.map(({ error: _error, ...rest }) => rest),
    }, null, 2)}\n`);
  } else if (results.length > 0) {
    process.stdout.write(`${formatSizeTable(results.map((r) => r.report))}\n`);
    for (const r of results) process.stdout.write(`wrote ${toProjectPath(r.bundlePath)} and ${toProjectPath(r.manifestPath)}\n`);
  }

  if (failures.length === 1 && apps.length === 1) throw failures[0]!.error;
  if (failures.length > 0) {
    const names = failures.map((f) => f.app).join(', ');
    throw new SpruceError('E_BUILD_FAILED', `${failures.length} of ${apps.length} app build${apps.length === 1 ? '' : 's'} failed: ${names}`, {
      hint: flags.json ? 'see "failures" in the JSON output' : 'see the errors above',
      exit: 'BUILD',
    });
  }
}

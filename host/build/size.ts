/**
 * Size report: what a bundle costs on the board.
 *
 * THE ESTIMATE IS CODE-ONLY. ESPRUINO.md section 2 measured that code sent to RAM costs about
 * 0.1 JsVar per byte (5 KB of minified code ~ 510 variables; about half that when run from a
 * Storage file). What the code then allocates when it runs (arrays, objects, closures, buffers)
 * cannot be counted statically and is not included: measure it with process.memory() on the
 * board or the virtual board.
 */
import type { Board } from '../boards.ts';
import { jsVarBudget } from '../boards.ts';

/** JsVars per byte of minified code sent to RAM (ESPRUINO.md section 2). */
export const JSVARS_PER_CODE_BYTE = 0.1;

export const ESTIMATE_NOTE = 'code only: ~0.1 JsVar per byte of bundle sent to RAM (ESPRUINO.md section 2); run-time allocations not included';

export function estimateJsVars(bytes: number): number {
  return Math.ceil(bytes * JSVARS_PER_CODE_BYTE);
}

export interface SizeReport {
  app: string;
  board: string;
  bytes: number;
  jsVarsEstimate: number;
  jsVarBudget: number;
  /** jsVarsEstimate / jsVarBudget, 0..1+ */
  budgetShare: number;
  /** Bytes of the app's extra Storage files. */
  storageFileBytes: number;
  /** The files plus the bundle saved as boot code (`.bootcde`), which also lives in Storage. */
  storageBytesWithBundle: number;
  storageCapacity: number;
  storageShare: number;
  /** Empty when within budget; otherwise one sentence per exceeded limit. */
  overBudget: string[];
}

export function sizeReport(app: string, board: Board, bytes: number, storageFileBytes: number): SizeReport {
  const jsVarsEstimate = estimateJsVars(bytes);
  const budget = jsVarBudget(board);
  const storageBytesWithBundle = storageFileBytes + bytes;
  const overBudget: string[] = [];
  if (jsVarsEstimate > budget) {
    overBudget.push(`${app}: the code alone needs ~${jsVarsEstimate} JsVars but ${board.id} has ${budget} for apps`);
  }
  if (storageBytesWithBundle > board.storage.bytes) {
    overBudget.push(`${app}: Storage files plus bundle take ${storageBytesWithBundle} bytes but ${board.id} has ${board.storage.bytes}`);
  }
  return {
    app, board: board.id, bytes, jsVarsEstimate, jsVarBudget: budget, budgetShare: jsVarsEstimate / budget,
    storageFileBytes, storageBytesWithBundle, storageCapacity: board.storage.bytes,
    storageShare: storageBytesWithBundle / board.storage.bytes, overBudget,
  };
}

/** A fixed-width table for humans. */
export function formatSizeTable(reports: SizeReport[]): string {
  const header = ['app', 'board', 'bundle bytes', '~JsVars (code)', 'of budget', 'Storage bytes', 'of Storage'];
  const rows = reports.map((r) => [
    r.app, r.board, String(r.bytes), `${r.jsVarsEstimate} / ${r.jsVarBudget}`, percent(r.budgetShare),
    `${r.storageBytesWithBundle} (${r.storageFileBytes} in files)`, percent(r.storageShare),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line),
    `JsVars: ${ESTIMATE_NOTE}.`,
    'Storage: the app\'s Storage files plus the bundle saved as boot code.',
  ].join('\n');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;
}

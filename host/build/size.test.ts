import { describe, expect, it } from 'vitest';
import { loadBoard } from '../boards.ts';
import { estimateJsVars, formatSizeTable, sizeReport } from './size.ts';
import { readBuildManifestFile } from './manifest.ts';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('size report', () => {
  it('estimates ~0.1 JsVar per code byte (ESPRUINO.md: 5 KB ~ 510 vars)', () => {
    expect(estimateJsVars(5120)).toBe(512);
    expect(estimateJsVars(1)).toBe(1);
    expect(estimateJsVars(0)).toBe(0);
  });

  it('flags code over the board JsVar budget and fits otherwise', () => {
    const board = loadBoard('esp32c3');
    const budget = board.memory.jsVars - board.memory.reservedJsVars;
    expect(sizeReport('a', board, budget * 10, 0).overBudget).toEqual([]);
    const over = sizeReport('a', board, budget * 10 + 1, 0);
    expect(over.overBudget[0]).toMatch(/needs ~\d+ JsVars but esp32c3 has 11953/);
    expect(over.budgetShare).toBeGreaterThan(1);
  });

  it('prints a table that says the estimate is code-only', () => {
    const table = formatSizeTable([sizeReport('occupancy', loadBoard('esp32'), 5120, 2048)]);
    expect(table).toMatch(/occupancy\s+esp32\s+5120\s+512 \/ 16336\s+3\.13%/);
    expect(table).toMatch(/code only/);
  });
});

describe('readBuildManifestFile', () => {
  it('rejects a malformed manifest with the command that fixes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spruce-manifest-'));
    try {
      const file = join(dir, 'x.manifest.json');
      writeFileSync(file, JSON.stringify({ app: 'x', board: 'esp32', bundle: 'x.js', sha256: 'ab', bytes: 'many', jsVarsEstimate: 1, storage: [] }));
      expect(() => readBuildManifestFile(file)).toThrow(/"bytes" must be a number/);
      expect(() => readBuildManifestFile(join(dir, 'none.json'))).toThrow(/no build manifest/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The dialect guard: checks a finished ES5 bundle against what Espruino really runs
 * (ESPRUINO.md section 1) and names, for every problem, the construct and the TypeScript
 * module it came from. Every build runs it; tests call it directly.
 *
 * Rules (each in rules/):
 *   es5-syntax         parses as ES5, no labels
 *   declaration-order  nothing read before the statement that assigns it (no hoisting)
 *   prototype-access   no Array/String/Function.prototype reads except the shims
 *   regex              no regex features Espruino mishandles (any regex: warning)
 *   globals            only Espruino's globals; no missing statics (Array.from, Math.imul…)
 *   extends-error      no `class X extends Error` (broken on Espruino)
 *   async-generator    no async functions / generators compiled to TS helpers (__awaiter…)
 *   clamped-store      indexed stores into a Uint8ClampedArray store visible integers
 *
 * All rules run on the final (hoisted) bundle; the source map composed by rollup through
 * TypeScript, terser and the final pass maps positions back to the original module.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { RawSourceMap } from '../bundle.ts';
import { analyzeScopes } from './scope.ts';
import { checkSyntax } from './rules/syntax.ts';
import { checkDeclarationOrder } from './rules/ordering.ts';
import { checkPrototypeAccess } from './rules/prototypes.ts';
import { checkRegexes } from './rules/regex.ts';
import { checkGlobals } from './rules/globals.ts';
import { checkExtendsError } from './rules/extends-error.ts';
import { checkAsyncHelpers } from './rules/async-helpers.ts';
import { checkClampedStores } from './rules/clamped-store.ts';
import type { Finding, Violation } from './violation.ts';

export type { Violation, RuleId } from './violation.ts';
export { unsupportedRegexFeatures } from './rules/regex.ts';

export interface CheckOptions {
  /** The bundle's source map, to name the source module of each violation. */
  sourcemap?: RawSourceMap | string;
}

export function checkBundle(code: string, options: CheckOptions = {}): Violation[] {
  const lines = lineStarts(code);
  const positionOf = (offset: number): string => {
    const at = lineIndex(lines, offset);
    return `${at + 1}:${offset - lines[at]! + 1}`;
  };
  const { ast, findings } = checkSyntax(code);
  const all: Finding[] = [...findings];
  if (ast) {
    const analysis = analyzeScopes(ast);
    all.push(...checkDeclarationOrder(analysis, positionOf));
    all.push(...checkPrototypeAccess(ast, analysis.references, code));
    all.push(...checkRegexes(ast, analysis.references, code));
    all.push(...checkGlobals(analysis.references));
    all.push(...checkExtendsError(analysis.references));
    all.push(...checkAsyncHelpers(ast, analysis));
    all.push(...checkClampedStores(analysis.references, code));
  }
  const tracer = options.sourcemap ? new TraceMap(options.sourcemap as ConstructorParameters<typeof TraceMap>[0]) : undefined;
  return all
    .sort((a, b) => a.start - b.start)
    .map((f) => {
      const lineAt = lineIndex(lines, f.start);
      const violation: Violation = {
        rule: f.rule, severity: f.severity, message: f.message, construct: f.construct,
        line: lineAt + 1, column: f.start - lines[lineAt]!,
      };
      if (tracer) {
        const original = originalPositionFor(tracer, { line: violation.line, column: violation.column });
        if (original.source) {
          violation.source = original.source;
          if (original.line !== null) violation.sourceLine = original.line;
          if (original.column !== null) violation.sourceColumn = original.column;
        }
      }
      return violation;
    });
}

/** Only the violations that fail a build. */
export function errorsOf(violations: Violation[]): Violation[] {
  return violations.filter((v) => v.severity === 'error');
}

/** One line per violation: `source:line:col rule: message` (bundle position when unmapped). */
export function formatViolation(v: Violation): string {
  const where = v.source
    ? `${v.source}:${v.sourceLine ?? '?'}:${(v.sourceColumn ?? 0) + 1}`
    : `bundle:${v.line}:${v.column + 1}`;
  return `${where} ${v.severity === 'warning' ? 'warning ' : ''}[${v.rule}] ${v.message}`;
}

function lineStarts(code: string): number[] {
  const starts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineIndex(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * What the dialect guard reports. Positions are in the BUNDLE (line 1-based, column 0-based,
 * like source maps); `source`/`sourceLine`/`sourceColumn` name the TypeScript module (project-
 * relative path) the offending code came from, when the source map knows it.
 */
import type { AstNode } from '../ast.ts';

export type RuleId = 'es5-syntax' | 'declaration-order' | 'prototype-access' | 'regex' | 'globals' | 'extends-error' | 'async-generator' | 'clamped-store';

export interface Violation {
  rule: RuleId;
  /** 'error' fails the build; 'warning' is reported only. */
  severity: 'error' | 'warning';
  message: string;
  /** The offending construct as written in the bundle (shortened), or its name. */
  construct: string;
  line: number;
  column: number;
  source?: string;
  sourceLine?: number;
  sourceColumn?: number;
}

/** A violation before positions are filled in: rules only know offsets. */
export interface Finding {
  rule: RuleId;
  severity: 'error' | 'warning';
  message: string;
  construct: string;
  start: number;
}

export function finding(rule: RuleId, node: AstNode, construct: string, message: string, severity: 'error' | 'warning' = 'error'): Finding {
  return { rule, severity, message, construct, start: node.start };
}

/** The node's text in the bundle, cut to a readable length. */
export function snippet(code: string, node: AstNode, max = 60): string {
  const text = code.slice(node.start, node.end);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

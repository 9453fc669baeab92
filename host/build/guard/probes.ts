/**
 * Feature probes. TypeScript's helpers guard optional features with `typeof`:
 *   `typeof Symbol === "function" && (g[Symbol.iterator] = …)`
 *   `if (s != null && typeof Object.getOwnPropertySymbols === "function") … propertyIsEnumerable …`
 * When the probed thing is one Espruino lacks, the probe is false on the device and the guarded
 * code never runs, so the globals and prototype rules must not report what is inside it.
 * (terser writes the same probes as `"function"==typeof Symbol`.)
 */
import { ESPRUINO_GLOBALS, MISSING_MEMBERS } from '../../espruino/globals.ts';
import type { AstNode } from '../ast.ts';

/** Whether `node` (with its ancestors, outermost first) sits in a branch that a failing probe skips. */
export function isDeadOnEspruino(node: AstNode, ancestors: AstNode[]): boolean {
  let child = node;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if ((a.type === 'ConditionalExpression' || a.type === 'IfStatement') && a.test !== child) {
      const value = valueOnEspruino(a.test);
      if (child === a.consequent && value === false) return true;
      if (child === a.alternate && value === true) return true;
    }
    if (a.type === 'LogicalExpression' && child === a.right) {
      const value = valueOnEspruino(a.left);
      if (a.operator === '&&' && value === false) return true;
      if (a.operator === '||' && value === true) return true;
    }
    child = a;
  }
  return false;
}

/** Whether `node` is the operand of `typeof` (directly or as the outer end of a member chain). */
export function isTypeofOperand(node: AstNode, parent: AstNode | undefined): boolean {
  return parent?.type === 'UnaryExpression' && parent.operator === 'typeof' && parent.argument === node;
}

/** The truth value of a test on Espruino when it is decided by typeof probes, else undefined. */
function valueOnEspruino(test: AstNode): boolean | undefined {
  switch (test.type) {
    case 'UnaryExpression':
      if (test.operator === '!') {
        const inner = valueOnEspruino(test.argument);
        return inner === undefined ? undefined : !inner;
      }
      return undefined;
    case 'LogicalExpression': {
      const left = valueOnEspruino(test.left);
      const right = valueOnEspruino(test.right);
      if (test.operator === '&&') return left === false || right === false ? false : left === true && right === true ? true : undefined;
      if (test.operator === '||') return left === true || right === true ? true : left === false && right === false ? false : undefined;
      return undefined;
    }
    case 'BinaryExpression':
      return probeValue(test);
    default:
      return undefined;
  }
}

/** `typeof E == "x"` (either order, any equality operator) where E is missing on Espruino. */
function probeValue(test: AstNode): boolean | undefined {
  if (!['==', '===', '!=', '!=='].includes(test.operator)) return undefined;
  const [probe, literal] = test.left.type === 'UnaryExpression' ? [test.left, test.right] : [test.right, test.left];
  if (probe.type !== 'UnaryExpression' || probe.operator !== 'typeof') return undefined;
  if (literal.type !== 'Literal' || typeof literal.value !== 'string') return undefined;
  if (!isMissingOnEspruino(probe.argument)) return undefined;
  // On Espruino `typeof E` is "undefined".
  const equal = literal.value === 'undefined';
  return test.operator.startsWith('=') ? equal : !equal;
}

function isMissingOnEspruino(expression: AstNode): boolean {
  const path = memberPath(expression);
  if (!path || path.length === 0) return false;
  const [root, ...rest] = path;
  if (!ESPRUINO_GLOBALS.has(root!)) return true;
  if (rest.length === 1) return (MISSING_MEMBERS[root!] ?? []).includes(rest[0]!);
  if (rest.length === 2 && rest[0] === 'prototype') return (MISSING_MEMBERS[`${root}.prototype`] ?? []).includes(rest[1]!);
  return false;
}

/** `A.b.c` as ['A', 'b', 'c'], or undefined for anything else. */
function memberPath(expression: AstNode): string[] | undefined {
  if (expression.type === 'Identifier') return [expression.name];
  if (expression.type === 'MemberExpression' && !expression.computed && expression.property.type === 'Identifier') {
    const base = memberPath(expression.object);
    return base ? [...base, expression.property.name] : undefined;
  }
  return undefined;
}

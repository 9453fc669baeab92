/**
 * Rule extends-error: `class X extends Error` is broken on Espruino (the subclass does not get
 * a working message/name; `e.name` is undefined), ESPRUINO.md section 1. TypeScript compiles a
 * class to a function called on the spot with its base class as the argument, so the bundle
 * shows it as an immediately invoked function given the global `Error` (or a sibling).
 * Firmware reports expected failures as values ({ok:false, code}) instead.
 */
import { isFunctionNode, type AstNode } from '../../ast.ts';
import type { Reference } from '../scope.ts';
import { finding, type Finding } from '../violation.ts';

const ERROR_CLASSES = new Set(['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'InternalError']);

export function checkExtendsError(references: Reference[]): Finding[] {
  const findings: Finding[] = [];
  for (const ref of references) {
    if (ref.resolved || !ERROR_CLASSES.has(ref.name)) continue;
    const call = ref.ancestors[ref.ancestors.length - 1];
    if (!call || call.type !== 'CallExpression' || !call.arguments.includes(ref.node)) continue;
    if (!isClassBody(call.callee)) continue;
    findings.push(finding('extends-error', ref.node, `extends ${ref.name}`,
      `a class extends ${ref.name}: subclassing errors is broken on Espruino (e.name is undefined); return {ok:false, code} values or throw plain objects with a code`));
  }
  return findings;
}

/** A function expression whose body returns one of its own function declarations (TS's class shape). */
function isClassBody(callee: AstNode): boolean {
  if (!isFunctionNode(callee) || callee.body.type !== 'BlockStatement') return false;
  const declared = new Set<string>(callee.body.body.filter((s: AstNode) => s.type === 'FunctionDeclaration').map((s: AstNode) => s.id.name));
  const returnsDeclared = (node: AstNode): boolean => {
    if (node.type === 'ReturnStatement' && node.argument) {
      const value = node.argument.type === 'SequenceExpression' ? node.argument.expressions[node.argument.expressions.length - 1] : node.argument;
      return value.type === 'Identifier' && declared.has(value.name);
    }
    return false;
  };
  return callee.body.body.some(returnsDeclared);
}

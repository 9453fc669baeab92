/**
 * Rule clamped-store: an indexed store into a Uint8ClampedArray must store an integer.
 * Espruino truncates before clamping (`c[i] = 1.5` stores 1), JavaScript rounds half to even
 * (2), ESPRUINO.md section 1. The virtual board reproduces the constructor, .set() and .fill()
 * (host/sim/dialect.ts) but cannot see an indexed store, which V8 performs inside the engine; so
 * the build insists the stored value is visibly an integer (`x | 0`, `x >> 0`, Math.floor(x), an
 * integer literal...), which gives the same result everywhere.
 *
 * Tracked: variables the bundle assigns `new Uint8ClampedArray(…)` to (the array reached through
 * another name, a property or a parameter is not followed).
 */
import type { AstNode } from '../../ast.ts';
import type { Reference, Scope } from '../scope.ts';
import { finding, snippet, type Finding } from '../violation.ts';

const INTEGER_OPERATORS = new Set(['|', '&', '^', '<<', '>>', '>>>']);
const INTEGER_MATH = new Set(['floor', 'ceil', 'round']);

export function checkClampedStores(references: Reference[], code: string): Finding[] {
  const clamped = new Set<string>();
  const key = (ref: Reference) => `${ref.name}\u0000${scopeId(ref.resolved)}`;
  for (const ref of references) {
    if (!ref.isWrite || !ref.resolved) continue;
    const parent = ref.ancestors[ref.ancestors.length - 1];
    const value = parent?.type === 'VariableDeclarator' ? parent.init : parent?.type === 'AssignmentExpression' ? parent.right : undefined;
    if (value?.type === 'NewExpression' && value.callee.type === 'Identifier' && value.callee.name === 'Uint8ClampedArray') clamped.add(key(ref));
  }
  if (clamped.size === 0) return [];
  const findings: Finding[] = [];
  for (const ref of references) {
    if (ref.isWrite || !ref.resolved || !clamped.has(key(ref))) continue;
    const member = ref.ancestors[ref.ancestors.length - 1];
    const store = ref.ancestors[ref.ancestors.length - 2];
    if (member?.type !== 'MemberExpression' || member.object !== ref.node || !member.computed) continue;
    if (store?.type !== 'AssignmentExpression' || store.left !== member) continue;
    if (storesInteger(store)) continue;
    findings.push(finding('clamped-store', store, snippet(code, store, 40),
      `a Uint8ClampedArray element is stored from a value that may have a fraction: Espruino truncates before clamping (1.5 -> 1), JavaScript and the virtual board round (-> 2); store an integer (\`x | 0\`, Math.floor(x)) or fill it with .set()`));
  }
  return findings;
}

const scopeIds = new WeakMap<Scope, number>();
let nextScopeId = 0;
function scopeId(scope: Scope | undefined): number {
  if (!scope) return -1;
  let id = scopeIds.get(scope);
  if (id === undefined) scopeIds.set(scope, (id = nextScopeId++));
  return id;
}

/** `c[i] = v`, `c[i] += v`, `c[i] |= v`…: whether the element ends up visibly integral. */
function storesInteger(store: AstNode): boolean {
  const operator: string = store.operator.slice(0, -1);
  if (INTEGER_OPERATORS.has(operator)) return true;
  if (operator === '' || ['+', '-', '*', '%'].includes(operator)) return isIntegerShaped(store.right);
  return false;
}

/** Whether an expression visibly yields an integer (or a value both sides store alike). */
function isIntegerShaped(node: AstNode): boolean {
  switch (node.type) {
    case 'Literal': return typeof node.value === 'number' ? Number.isInteger(node.value) : typeof node.value === 'boolean';
    case 'UnaryExpression': return node.operator === '~' || (['-', '+'].includes(node.operator) && isIntegerShaped(node.argument));
    case 'BinaryExpression':
      if (INTEGER_OPERATORS.has(node.operator)) return true;
      return ['+', '-', '*', '%'].includes(node.operator) && isIntegerShaped(node.left) && isIntegerShaped(node.right);
    case 'ConditionalExpression': return isIntegerShaped(node.consequent) && isIntegerShaped(node.alternate);
    case 'SequenceExpression': return isIntegerShaped(node.expressions[node.expressions.length - 1]);
    case 'AssignmentExpression': return node.operator === '=' ? isIntegerShaped(node.right) : INTEGER_OPERATORS.has(node.operator.slice(0, -1));
    case 'CallExpression': {
      const callee = node.callee;
      return callee.type === 'MemberExpression' && !callee.computed && callee.object.type === 'Identifier' &&
        callee.object.name === 'Math' && INTEGER_MATH.has(callee.property.name);
    }
    default: return false;
  }
}

/**
 * Rule prototype-access: on Espruino, `Array.prototype.x`, `String.prototype.x` and
 * `Function.prototype.x` read as undefined (built-ins are found through an instance's type);
 * `[].slice`, `"".charAt`, `f.call` work (ESPRUINO.md section 1). Reads through
 * `Object.prototype` find Object's own built-ins, which Espruino has only a few of.
 * The shim lines the final pass prepends (shims.ts) are the only allowed exceptions, and only
 * when the bundle's prologue holds them.
 */
import { MISSING_MEMBERS } from '../../../espruino/globals.ts';
import { memberName, type AstNode } from '../../ast.ts';
import { PROTOTYPE_SHIMS } from '../../shims.ts';
import type { Reference } from '../scope.ts';
import { finding, snippet, type Finding } from '../violation.ts';
import { isDeadOnEspruino, isTypeofOperand } from '../probes.ts';

/** Built-ins whose prototype object does not carry their methods on Espruino. */
const INSTANCE_ONLY: Record<string, string> = { Array: '[]', String: '""', Function: '(function(){})' };

/** Object.prototype members Espruino's Object has (found through Object.prototype too). */
export const OBJECT_PROTOTYPE_MEMBERS: ReadonlySet<string> = new Set(['hasOwnProperty', 'toString', 'valueOf']);

export function checkPrototypeAccess(ast: AstNode, references: Reference[], code: string): Finding[] {
  const shimPaths = new Map(PROTOTYPE_SHIMS.map((shim) => [shim.statement.replace(/;$/, ''), shim.path]));
  // The prologue statements themselves (top level, written exactly as shims.ts makes them).
  const shimNodes = new Set<AstNode>();
  // A shimmed path is only safe when its shim really is in this bundle's prologue.
  const presentShims = new Set<string>();
  for (const s of ast.body as AstNode[]) {
    const path = s.type === 'ExpressionStatement' ? shimPaths.get(code.slice(s.start, s.end).replace(/;$/, '')) : undefined;
    if (path === undefined) continue;
    shimNodes.add(s);
    presentShims.add(path);
  }
  const findings: Finding[] = [];
  for (const ref of references) {
    if (ref.resolved || !(ref.name in INSTANCE_ONLY || ref.name === 'Object')) continue;
    const a = ref.ancestors;
    const protoAccess = a[a.length - 1];
    if (!protoAccess || protoAccess.type !== 'MemberExpression' || protoAccess.object !== ref.node || memberName(protoAccess) !== 'prototype') continue;
    if (a.some((node) => shimNodes.has(node))) continue;
    if (isDeadOnEspruino(ref.node, a)) continue;
    const memberAccess = a[a.length - 2];
    if (memberAccess && isTypeofOperand(memberAccess, a[a.length - 3])) continue;
    const member = memberAccess && memberAccess.type === 'MemberExpression' && memberAccess.object === protoAccess ? memberName(memberAccess) : undefined;
    const isAssigned = memberAccess && a[a.length - 3]?.type === 'AssignmentExpression' && a[a.length - 3].left === memberAccess;
    const node = member !== undefined ? memberAccess! : protoAccess;
    const path = member !== undefined ? `${ref.name}.prototype.${member}` : `${ref.name}.prototype`;
    if (ref.name === 'Object') {
      if (member === undefined || OBJECT_PROTOTYPE_MEMBERS.has(member) || isAssigned) continue;
      findings.push(finding('prototype-access', node, path, `Espruino's Object has no ${member} (reading ${path} gives undefined); ${snippet(code, node)}`));
      continue;
    }
    if (member !== undefined && presentShims.has(path)) continue;
    if (member !== undefined && (MISSING_MEMBERS[`${ref.name}.prototype`] ?? []).includes(member)) {
      findings.push(finding('prototype-access', node, path, `Espruino has no ${path}`));
      continue;
    }
    const instance = INSTANCE_ONLY[ref.name]!;
    findings.push(finding('prototype-access', node, path, member === undefined
      ? `${path} is used as a value; on Espruino its built-in methods are not on it (they are found through instances)`
      : `${path} reads as undefined on Espruino (built-in methods live on instances); use ${instance}.${member} instead`));
  }
  return findings;
}

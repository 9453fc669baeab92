/**
 * Rule globals: every free identifier of the bundle must be an Espruino global
 * (host/espruino/globals.ts is the single list, shared with the virtual board's sandbox), and
 * static members Espruino lacks (Array.from, Math.imul, …) must not be used. `typeof X` is
 * allowed for any X: it is how feature probes are written and never throws; code guarded by a
 * probe of something Espruino lacks never runs there and is not reported (probes.ts).
 */
import { ESPRUINO_GLOBALS, MISSING_GLOBALS, MISSING_MEMBERS } from '../../../espruino/globals.ts';
import type { Reference } from '../scope.ts';
import { finding, type Finding } from '../violation.ts';
import { isDeadOnEspruino, isTypeofOperand } from '../probes.ts';

const MISSING: ReadonlySet<string> = new Set<string>(MISSING_GLOBALS);
/** Prototype paths the prototype-access rule reports itself. */
const PROTOTYPE_RULE_OWNS = new Set(['Array', 'String', 'Function', 'Object']);

export function checkGlobals(references: Reference[]): Finding[] {
  const findings: Finding[] = [];
  for (const ref of references) {
    if (ref.resolved || ref.underTypeof) continue;
    // Inside `typeof Symbol === "function" && …`: never runs on Espruino.
    if (isDeadOnEspruino(ref.node, ref.ancestors)) continue;
    const { name } = ref;
    if (MISSING.has(name)) {
      findings.push(finding('globals', ref.node, name, `Espruino has no ${name}`));
      continue;
    }
    if (!ESPRUINO_GLOBALS.has(name)) {
      findings.push(finding('globals', ref.node, name, ref.isWrite
        ? `assignment to undeclared global ${name}: declare it (Espruino has no such global)`
        : `${name} is not an Espruino global (see host/espruino/globals.ts); declare or import it`));
      continue;
    }
    const a = ref.ancestors;
    const parent = a[a.length - 1];
    if (!parent || parent.type !== 'MemberExpression' || parent.object !== ref.node || parent.computed) continue;
    const member: string = parent.property.name;
    const grand = a[a.length - 2];
    // `typeof Object.getOwnPropertySymbols` is a probe, not a use.
    if (isTypeofOperand(parent, grand)) continue;
    if ((MISSING_MEMBERS[name] ?? []).includes(member)) {
      findings.push(finding('globals', parent, `${name}.${member}`, `Espruino has no ${name}.${member}`));
      continue;
    }
    if (member === 'prototype' && !PROTOTYPE_RULE_OWNS.has(name) && grand?.type === 'MemberExpression' && grand.object === parent && !grand.computed) {
      const instanceMember: string = grand.property.name;
      if ((MISSING_MEMBERS[`${name}.prototype`] ?? []).includes(instanceMember)) {
        findings.push(finding('globals', grand, `${name}.prototype.${instanceMember}`, `Espruino has no ${name}.prototype.${instanceMember}`));
      }
    }
  }
  return findings;
}

/**
 * Rule regex: Espruino's regular-expression engine silently returns null from `exec` for
 * `?` (optional or lazy), `{n,m}` counted quantifiers, `(?:…)`, lookaround and `\b`
 * (ESPRUINO.md section 1): no error, just wrong answers. Such patterns are errors; any other
 * regex is a warning, since device code is meant to have none.
 */
import type { AstNode } from '../../ast.ts';
import type { Reference } from '../scope.ts';
import { finding, snippet, type Finding } from '../violation.ts';

/** Features of `pattern` that Espruino mishandles, in order of appearance, without repeats. */
export function unsupportedRegexFeatures(pattern: string): string[] {
  const found: string[] = [];
  const add = (feature: string): void => { if (!found.includes(feature)) found.push(feature); };
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (!inClass && next === 'b') add('\\b word boundary');
      if (!inClass && next === 'B') add('\\B non-boundary');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') { inClass = true; continue; }
    if (c === '(' && pattern[i + 1] === '?') {
      const kind = pattern.slice(i + 2, i + 4);
      if (kind.startsWith(':')) add('(?: non-capturing group');
      else if (kind.startsWith('=')) add('(?= lookahead');
      else if (kind.startsWith('!')) add('(?! negative lookahead');
      else if (kind === '<=') add('(?<= lookbehind');
      else if (kind === '<!') add('(?<! negative lookbehind');
      else if (kind.startsWith('<')) add('(?<name> named group');
      i += 1;
      continue;
    }
    if (c === '?') { add('? quantifier'); continue; }
    if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) add('{n,m} counted quantifier');
  }
  return found;
}

export function checkRegexes(ast: AstNode, references: Reference[], code: string): Finding[] {
  const findings: Finding[] = [];
  const report = (node: AstNode, pattern: string): void => {
    const features = unsupportedRegexFeatures(pattern);
    if (features.length > 0) {
      findings.push(finding('regex', node, snippet(code, node),
        `regular expression /${pattern}/ uses ${features.join(', ')}, which Espruino mishandles (exec silently returns null); rewrite without a regex`));
    } else {
      findings.push(finding('regex', node, snippet(code, node),
        'regular expression in device code: Espruino\'s regex engine is limited; prefer plain string operations', 'warning'));
    }
  };
  const walk = (node: AstNode): void => {
    if (node.type === 'Literal' && node.regex) report(node, node.regex.pattern);
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (key === 'regex') continue;
      if (Array.isArray(value)) value.forEach((v) => v && typeof v.type === 'string' && walk(v));
      else if (value && typeof value === 'object' && typeof value.type === 'string') walk(value);
    }
  };
  walk(ast);
  // RegExp("…") and new RegExp("…") with the global RegExp.
  for (const ref of references) {
    if (ref.name !== 'RegExp' || ref.resolved) continue;
    const parent = ref.ancestors[ref.ancestors.length - 1];
    if (!parent || (parent.type !== 'CallExpression' && parent.type !== 'NewExpression') || parent.callee !== ref.node) continue;
    const first = parent.arguments[0];
    if (first && first.type === 'Literal' && typeof first.value === 'string') report(parent, first.value);
    else findings.push(finding('regex', parent, snippet(code, parent), 'RegExp built from a non-constant pattern cannot be checked; Espruino mishandles ?, {n,m}, (?:, lookaround and \\b', 'warning'));
  }
  return findings;
}

/**
 * Rule declaration-order: nothing may be used before the statement that gives it a value.
 *
 * Espruino runs statements as it parses them and hoists nothing, so in each scope a read of a
 * name whose first assignment (or function declaration) comes in a LATER statement sees nothing
 * (ESPRUINO.md section 1). The final pass hoists declarations, so a clean build only trips this
 * rule on genuine read-before-assign bugs, e.g. a top-level call to a function whose body reads
 * a `var` assigned further down.
 *
 * What counts as "now": code in the statement itself and inside functions called on the spot
 * (`(function(){…})()`, TypeScript's classes and namespaces); a call to a function declared in
 * the same scope also runs that function's body now (followed transitively). Callbacks passed
 * elsewhere and other nested functions are assumed to run later.
 */
import { isFunctionNode, isImmediatelyInvoked, type AstNode } from '../../ast.ts';
import type { Reference, Scope, ScopeAnalysis } from '../scope.ts';
import { finding, type Finding } from '../violation.ts';

interface Placed {
  ref: Reference;
  /** Index of the scope statement holding the reference. */
  statement: number;
  /** Runs when the statement runs ('now'), when the named function declaration is called, or later. */
  when: 'now' | 'later' | { fn: AstNode };
}

export function checkDeclarationOrder(analysis: ScopeAnalysis, positionOf: (offset: number) => string): Finding[] {
  const byScope = new Map<Scope, Placed[]>();
  for (const ref of analysis.references) {
    const scope = ref.resolved;
    if (!scope || scope.node.type === 'CatchClause' || scope.params.has(ref.name)) continue;
    const placed = place(ref, scope);
    if (!placed) continue;
    let list = byScope.get(scope);
    if (!list) byScope.set(scope, (list = []));
    list.push(placed);
  }
  const findings: Finding[] = [];
  for (const [scope, placedRefs] of byScope) findings.push(...checkScope(scope, placedRefs, positionOf));
  return findings;
}

function statementsOf(scope: Scope): AstNode[] | undefined {
  if (scope.node.type === 'Program') return scope.node.body;
  const body = scope.node.body;
  return body && body.type === 'BlockStatement' ? body.body : undefined;
}

/** Finds which statement of `scope` holds the reference and when it runs relative to it. */
function place(ref: Reference, scope: Scope): Placed | undefined {
  const statements = statementsOf(scope);
  if (!statements) return undefined;
  const a = ref.ancestors;
  const scopeAt = a.indexOf(scope.node);
  if (scopeAt < 0) return undefined;
  const statementAt = scope.node.type === 'Program' ? scopeAt + 1 : scopeAt + 2;
  const statementNode = a[statementAt];
  const statement = statementNode ? statements.indexOf(statementNode) : -1;
  if (statement < 0) return undefined;
  let when: Placed['when'] = 'now';
  for (let i = statementAt; i < a.length; i++) {
    const node = a[i]!;
    if (!isFunctionNode(node) || isImmediatelyInvoked(node, a[i - 1], a[i - 2])) continue;
    if (i === statementAt && node.type === 'FunctionDeclaration' && when === 'now') {
      when = { fn: node };
      continue;
    }
    when = 'later';
    break;
  }
  return { ref, statement, when };
}

function checkScope(scope: Scope, placed: Placed[], positionOf: (offset: number) => string): Finding[] {
  const statements = statementsOf(scope)!;
  // The statement that first gives each name a value.
  const firstWrite = new Map<string, number>();
  const setWrite = (name: string, index: number): void => {
    const known = firstWrite.get(name);
    if (known === undefined || index < known) firstWrite.set(name, index);
  };
  const functionDeclarations = new Map<string, AstNode>();
  statements.forEach((statement, index) => {
    if (statement.type === 'FunctionDeclaration' && statement.id) {
      setWrite(statement.id.name, index);
      functionDeclarations.set(statement.id.name, statement);
    }
  });
  for (const p of placed) if (p.ref.isWrite && p.when === 'now') setWrite(p.ref.name, p.statement);

  // Reads performed when each function declaration of this scope is called.
  const readsWhenCalled = new Map<AstNode, Placed[]>();
  for (const p of placed) {
    if (typeof p.when === 'object') {
      let list = readsWhenCalled.get(p.when.fn);
      if (!list) readsWhenCalled.set(p.when.fn, (list = []));
      list.push(p);
    }
  }

  const findings: Finding[] = [];
  const reported = new Set<AstNode>();
  const checkRead = (read: Reference, at: number, via: string[]): void => {
    if (read.underTypeof || (read.isWrite && !read.isReadWrite)) return;
    const assigned = firstWrite.get(read.name);
    if (assigned === undefined || assigned <= at) return;
    const site = via.length > 0 ? via[0]! : undefined;
    const key = read.node;
    if (reported.has(key)) return;
    reported.add(key);
    const isFunction = functionDeclarations.has(read.name);
    const target = `bundle ${positionOf(statements[assigned]!.start)}`;
    const message = isFunction
      ? `function ${read.name} is used before its declaration (${target}); Espruino does not hoist function declarations`
      : `${read.name} is read before the statement that assigns it (${target}); Espruino does not hoist, so it is undefined here`;
    findings.push(finding('declaration-order', read.node, read.name,
      site ? `${message} (reached by calling ${via.join(' -> ')})` : message));
  };
  const followCall = (fn: AstNode, at: number, via: string[], seen: Set<AstNode>): void => {
    if (seen.has(fn)) return;
    seen.add(fn);
    for (const p of readsWhenCalled.get(fn) ?? []) {
      checkRead(p.ref, at, via);
      const callee = functionDeclarations.get(p.ref.name);
      if (callee && isCallee(p.ref)) followCall(callee, at, [...via, p.ref.name], seen);
    }
  };
  for (const p of placed) {
    if (p.when !== 'now') continue;
    checkRead(p.ref, p.statement, []);
    const callee = functionDeclarations.get(p.ref.name);
    if (callee && isCallee(p.ref)) followCall(callee, p.statement, [p.ref.name], new Set());
  }
  return findings;
}

function isCallee(ref: Reference): boolean {
  const parent = ref.ancestors[ref.ancestors.length - 1];
  return !!parent && (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.callee === ref.node;
}

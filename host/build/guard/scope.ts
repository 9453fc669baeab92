/**
 * Scope analysis for ES5 bundles: which function scope declares each name, and which scope each
 * identifier reference resolves to (or none: a free, i.e. global, reference). Used by the
 * globals rule (free names) and the ordering rule (reads before assignment).
 *
 * ES5 has only function scopes plus the catch parameter; `let`/`const` cannot appear in a
 * valid bundle (the syntax rule rejects them) and are treated as function-scoped here.
 */
import { childNodes, isFunctionNode, type AstNode } from '../ast.ts';

export interface Scope {
  /** The Program, a function, or a CatchClause. */
  node: AstNode;
  parent: Scope | undefined;
  declared: Set<string>;
  /** Names that are parameters (or `arguments`), assigned on entry. */
  params: Set<string>;
}

export interface Reference {
  node: AstNode;
  name: string;
  /** The scope that declares the name, or undefined for a global. */
  resolved: Scope | undefined;
  /** The innermost scope the reference sits in. */
  from: Scope;
  /** True when the reference is written (`x = …`, `x++`, `for (x in …)`), false when read. */
  isWrite: boolean;
  /** Also read by the write (`x += 1`, `x++`). */
  isReadWrite: boolean;
  /** Under `typeof`, which never throws for an undeclared name. */
  underTypeof: boolean;
  /** The chain of ancestors, outermost first (the reference's parent is the last). */
  ancestors: AstNode[];
}

export interface ScopeAnalysis {
  program: Scope;
  scopeOf: Map<AstNode, Scope>;
  references: Reference[];
}

export function analyzeScopes(program: AstNode): ScopeAnalysis {
  const scopeOf = new Map<AstNode, Scope>();
  const root: Scope = { node: program, parent: undefined, declared: new Set(), params: new Set() };
  scopeOf.set(program, root);
  declare(program, root, scopeOf);
  const references: Reference[] = [];
  resolve(program, root, [], scopeOf, references);
  return { program: root, scopeOf, references };
}

function newFunctionScope(fn: AstNode, parent: Scope): Scope {
  const scope: Scope = { node: fn, parent, declared: new Set(), params: new Set(['arguments']) };
  for (const param of fn.params) for (const name of patternNames(param)) scope.params.add(name);
  // A named function expression sees its own name.
  if (fn.type === 'FunctionExpression' && fn.id) scope.declared.add(fn.id.name);
  return scope;
}

/** First pass: create scopes and record declarations. */
function declare(node: AstNode, scope: Scope, scopeOf: Map<AstNode, Scope>): void {
  if (isFunctionNode(node)) {
    if (node.type === 'FunctionDeclaration' && node.id) scope.declared.add(node.id.name);
    const inner = newFunctionScope(node, scope);
    scopeOf.set(node, inner);
    declare(node.body, inner, scopeOf);
    return;
  }
  if (node.type === 'CatchClause') {
    const inner: Scope = { node, parent: scope, declared: new Set(), params: new Set(node.param ? patternNames(node.param) : []) };
    scopeOf.set(node, inner);
    declare(node.body, inner, scopeOf);
    return;
  }
  if (node.type === 'VariableDeclaration') {
    // `var` inside a catch block belongs to the enclosing function, not the catch scope.
    const target = functionScopeOf(scope);
    for (const d of node.declarations) for (const name of patternNames(d.id)) target.declared.add(name);
  }
  for (const child of childNodes(node)) declare(child, scope, scopeOf);
}

function functionScopeOf(scope: Scope): Scope {
  let s = scope;
  while (s.node.type === 'CatchClause' && s.parent) s = s.parent;
  return s;
}

function patternNames(pattern: AstNode): string[] {
  switch (pattern.type) {
    case 'Identifier': return [pattern.name];
    case 'AssignmentPattern': return patternNames(pattern.left);
    case 'RestElement': return patternNames(pattern.argument);
    case 'ArrayPattern': return pattern.elements.filter(Boolean).flatMap((e: AstNode) => patternNames(e));
    case 'ObjectPattern': return pattern.properties.flatMap((p: AstNode) => patternNames(p.type === 'RestElement' ? p : p.value));
    default: return [];
  }
}

function lookup(name: string, scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.declared.has(name) || s.params.has(name)) return s;
  }
  return undefined;
}

/** Second pass: classify every Identifier that is a reference and resolve it. */
function resolve(node: AstNode, scope: Scope, ancestors: AstNode[], scopeOf: Map<AstNode, Scope>, out: Reference[]): void {
  const inner = scopeOf.get(node);
  const current = inner && node.type !== 'Program' ? inner : scope;
  if (node.type === 'Identifier') {
    const parent = ancestors[ancestors.length - 1];
    if (parent && isReference(node, parent) && !(parent.type === 'VariableDeclarator' && parent.id === node && writeKind(node, parent, ancestors[ancestors.length - 3]) === 'declare')) {
      const write = writeKind(node, parent, ancestors[ancestors.length - 3]);
      out.push({
        node, name: node.name, resolved: lookup(node.name, scope), from: scope,
        isWrite: write !== 'read', isReadWrite: write === 'readwrite',
        underTypeof: parent.type === 'UnaryExpression' && parent.operator === 'typeof',
        ancestors: ancestors.slice(),
      });
    }
    return;
  }
  ancestors.push(node);
  for (const child of childNodes(node)) {
    // A function's own name and parameters are declarations, not references.
    if (isFunctionNode(node) && (child === node.id || node.params.includes(child))) continue;
    if (node.type === 'CatchClause' && child === node.param) continue;
    resolve(child, current, ancestors, scopeOf, out);
  }
  ancestors.pop();
}

function isReference(id: AstNode, parent: AstNode): boolean {
  switch (parent.type) {
    case 'MemberExpression': return parent.object === id || parent.computed;
    case 'Property': return parent.value === id || parent.computed;
    case 'MethodDefinition': case 'PropertyDefinition': return parent.computed && parent.key === id;
    // A declarator's name is a (write) reference when it assigns: `var x = 1`, or the loop
    // variable of `for (var k in o)`; a bare `var x` only declares (filtered by the caller).
    case 'VariableDeclarator': return true;
    case 'LabeledStatement': case 'BreakStatement': case 'ContinueStatement': return false;
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': return parent.body === id;
    default: return true;
  }
}

function writeKind(id: AstNode, parent: AstNode, grandgrandparent: AstNode | undefined): 'read' | 'write' | 'readwrite' | 'declare' {
  if (parent.type === 'VariableDeclarator' && parent.id === id) {
    if (parent.init !== null) return 'write';
    const isLoopVariable = grandgrandparent && (grandgrandparent.type === 'ForInStatement' || grandgrandparent.type === 'ForOfStatement');
    return isLoopVariable ? 'write' : 'declare';
  }
  if (parent.type === 'AssignmentExpression' && parent.left === id) return parent.operator === '=' ? 'write' : 'readwrite';
  if (parent.type === 'UpdateExpression') return 'readwrite';
  if ((parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && parent.left === id) return 'write';
  return 'read';
}

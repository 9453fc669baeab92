/**
 * spruce's final pass over the minified bundle: hoist declarations by hand, then prepend the
 * prototype shims.
 *
 * Espruino parses as it executes and does not hoist: a `function f(){}` or `var x` does not
 * exist until execution reaches its statement (ESPRUINO.md section 1). TypeScript's output and
 * terser's both rely on hoisting (terser freely places a function after its first use), so this
 * pass must run AFTER the minifier; run before, terser would undo it (join_vars, reordering).
 *
 * In every function scope (and the program) the pass:
 *   1. declares all the scope's `var` names in one `var a,b,c;` at the top (after the
 *      "use strict" prologue), turning each original `var x=1` into the assignment `x=1` and
 *      dropping initialiser-less declarators (`for(var k in o)` becomes `for(k in o)`);
 *      parameters are never re-declared, in case Espruino resets them;
 *   2. moves every function declaration that is a direct statement of the scope right after it.
 * Smaller form of step 1 (bytes are JsVars on the board): when the scope declares no function
 * and its FIRST statement already is a `var` (or a `for(var …;…;…)`) that re-declares no
 * parameter, that declaration stays as it is, initialisers included, and the scope's other
 * names are put at its front (`var c,d,a=1` / `for(var c,a=0;…)`). Nothing of the scope runs
 * before it, and with no function declarations nothing needs to come earlier, so every name
 * still exists before any use.
 * The prologue holds only the shims for prototype paths the code reads (shims.ts).
 * Edits are made with magic-string (removals, comma joins and moves; kept code is never
 * rewritten), so the source map survives and the dialect guard can still name the TypeScript
 * module behind any position.
 */
import MagicString, { type SourceMap } from 'magic-string';
import type { Plugin } from 'rollup';
import { childNodes, isFunctionNode, memberName, parseScript, type AstNode } from './ast.ts';
import { shimPrologue, withoutPrologue } from './shims.ts';

export interface FinalPassResult {
  code: string;
  map: SourceMap;
}

export function finalPass(code: string, sourceName = 'bundle.js'): FinalPassResult {
  const ast = parseScript(code);
  const ms = new MagicString(code);
  hoistScope(ast.body, ast.start, new Set(), ms);
  ms.prepend(shimPrologue(prototypePathsRead(ast)));
  return { code: ms.toString(), map: ms.generateMap({ hires: true, source: sourceName, includeContent: false }) };
}

/** Every `X.prototype.m` the code reads (`X.prototype["m"]` too), e.g. "Array.prototype.slice". */
function prototypePathsRead(ast: AstNode): Set<string> {
  const paths = new Set<string>();
  const visit = (node: AstNode): void => {
    if (node.type === 'MemberExpression' && node.object.type === 'MemberExpression' && node.object.object.type === 'Identifier' && memberName(node.object) === 'prototype') {
      const member = memberName(node);
      if (member !== undefined) paths.add(`${node.object.object.name}.prototype.${member}`);
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(ast);
  return paths;
}

/** The rollup output plugin form, placed after terser in `output.plugins`. */
export function finalPassPlugin(): Plugin {
  return {
    name: 'spruce-final-pass',
    renderChunk(code, chunk) {
      const result = finalPass(code, chunk.fileName);
      return { code: result.code, map: result.map };
    },
  };
}

type VarContext = 'statement' | 'for-init' | 'for-in';

interface ScopeDeclarations {
  vars: { declaration: AstNode; context: VarContext }[];
  functions: AstNode[];
  nestedFunctions: AstNode[];
}

/**
 * Hoists within one scope. `statements` is the scope's body, `bodyStart` the offset just inside
 * its opening brace (0 for the program), `params` names never re-declared.
 */
function hoistScope(statements: AstNode[], bodyStart: number, params: Set<string>, ms: MagicString): void {
  const found: ScopeDeclarations = { vars: [], functions: [], nestedFunctions: [] };
  for (const statement of statements) collect(statement, undefined, found, true);

  // Insert after the directive prologue ("use strict" must stay first to remain a directive).
  let insertAt = bodyStart;
  let index = 0;
  for (; index < statements.length; index++) {
    const statement = statements[index]!;
    if (statement.type === 'ExpressionStatement' && typeof statement.directive === 'string') insertAt = statement.end;
    else break;
  }
  // Function declarations already leading the body stay put; the others join them.
  let functionsAt = insertAt;
  const leading = new Set<AstNode>();
  for (; index < statements.length && statements[index]!.type === 'FunctionDeclaration'; index++) {
    leading.add(statements[index]!);
    functionsAt = statements[index]!.end;
  }

  const kept = found.functions.length === 0 ? leadingDeclaration(statements[index], params) : undefined;
  const keptNames = kept ? kept.declarations.map((d: AstNode) => d.id.name as string) : [];
  const names: string[] = [];
  for (const { declaration, context } of found.vars) {
    if (declaration === kept) continue;
    for (const declarator of declaration.declarations) {
      const name = declarator.id.type === 'Identifier' ? declarator.id.name as string : undefined;
      if (name !== undefined && !params.has(name) && !names.includes(name) && !keptNames.includes(name)) names.push(name);
    }
    rewriteDeclaration(declaration, context, ms);
  }
  if (names.length > 0) {
    if (kept) ms.appendLeft(kept.declarations[0].start, `${names.join(',')},`);
    else ms.appendLeft(insertAt, `var ${names.join(',')};`);
  }
  for (const fn of found.functions) if (!leading.has(fn)) ms.move(fn.start, fn.end, functionsAt);
  for (const fn of found.nestedFunctions) hoistFunction(fn, ms);
}

/**
 * The `var` declaration that may stay in place as the scope's one declaration (see the header):
 * the scope's first statement when it is a `var`, or the init of a first `for(;;)`, provided it
 * declares plain names and no parameter. Undefined otherwise.
 */
function leadingDeclaration(first: AstNode | undefined, params: Set<string>): AstNode | undefined {
  if (!first) return undefined;
  const declaration = first.type === 'ForStatement' ? first.init : first;
  if (!declaration || declaration.type !== 'VariableDeclaration' || declaration.kind !== 'var') return undefined;
  const plain = declaration.declarations.every((d: AstNode) => d.id.type === 'Identifier' && !params.has(d.id.name));
  return plain ? declaration : undefined;
}

function hoistFunction(fn: AstNode, ms: MagicString): void {
  const params = new Set<string>(['arguments']);
  for (const param of fn.params) if (param.type === 'Identifier') params.add(param.name);
  if (fn.body.type !== 'BlockStatement') {
    // An expression-bodied arrow has no statements of its own; only its nested functions matter.
    const found: ScopeDeclarations = { vars: [], functions: [], nestedFunctions: [] };
    collect(fn.body, undefined, found, false);
    for (const nested of found.nestedFunctions) hoistFunction(nested, ms);
    return;
  }
  hoistScope(fn.body.body, fn.body.start + 1, params, ms);
}

/** Gathers the scope's `var` declarations and function declarations, stopping at nested functions. */
function collect(node: AstNode, parent: AstNode | undefined, found: ScopeDeclarations, isScopeStatement: boolean): void {
  if (node.type === 'FunctionDeclaration') {
    // Only declarations that are statements of the scope itself are moved; one inside a block
    // is not ES5 and the guard reports it.
    if (isScopeStatement) found.functions.push(node);
    found.nestedFunctions.push(node);
    return;
  }
  if (isFunctionNode(node)) {
    found.nestedFunctions.push(node);
    return;
  }
  if (node.type === 'VariableDeclaration' && node.kind === 'var') {
    let context: VarContext = 'statement';
    if (parent?.type === 'ForStatement' && parent.init === node) context = 'for-init';
    else if ((parent?.type === 'ForInStatement' || parent?.type === 'ForOfStatement') && parent.left === node) context = 'for-in';
    found.vars.push({ declaration: node, context });
  }
  for (const child of childNodes(node)) collect(child, node, found, false);
}

/**
 * `var a=1,b,c=f()` becomes `a=1,c=f()` (a statement, a for-init or a for-in left side);
 * only text outside the kept declarators is removed, so their mappings are untouched.
 */
function rewriteDeclaration(declaration: AstNode, context: VarContext, ms: MagicString): void {
  const declarators: AstNode[] = declaration.declarations;
  const last = declarators[declarators.length - 1]!;
  // A for-in left side keeps its declarator (`for(k in o)`), initialised or not.
  const keep = context === 'for-in' ? declarators : declarators.filter((d) => d.init !== null);
  if (keep.length === 0) {
    remove(ms, declaration.start, last.end);
    // `if(x)var a` (no semicolon, before a newline or `}`) must still leave a statement behind.
    if (context === 'statement' && ms.original[declaration.end - 1] !== ';') ms.appendLeft(last.end, ';');
    return;
  }
  remove(ms, declaration.start, keep[0]!.start);
  for (let i = 1; i < keep.length; i++) {
    if (keep[i - 1]!.end < keep[i]!.start) ms.overwrite(keep[i - 1]!.end, keep[i]!.start, ',');
  }
  remove(ms, keep[keep.length - 1]!.end, last.end);
}

function remove(ms: MagicString, start: number, end: number): void {
  if (start < end) ms.remove(start, end);
}

/**
 * Self-check of the pass's promise, for tests and debugging: in every function scope, after the
 * directives come at most one initialiser-less `var`, then the function declarations, then the
 * rest, and no `var` sits anywhere else; or, in a scope without function declarations, the one
 * `var` is the first statement (initialisers allowed) or the init of a first `for(;;)`.
 * Returns one line per breach (empty when hoisted).
 */
export function hoistingProblems(code: string): string[] {
  const problems: string[] = [];
  const body = withoutPrologue(code);
  // The `for(var …)` inits that are a scope's one declaration (allowed where they are).
  const leadingForInits = new Set<AstNode>();
  const checkScope = (statements: AstNode[]): void => {
    const withoutFunctions = !statements.some((s) => s.type === 'FunctionDeclaration');
    const first = statements.find((s) => !(s.type === 'ExpressionStatement' && typeof s.directive === 'string'));
    if (withoutFunctions && first?.type === 'ForStatement' && first.init?.type === 'VariableDeclaration') leadingForInits.add(first.init);
    let phase = 0; // 0 directives, 1 var, 2 functions, 3 anything else
    for (const s of statements) {
      if (s.type === 'ExpressionStatement' && typeof s.directive === 'string') {
        if (phase > 0) problems.push(`directive after code at ${s.start}`);
      } else if (s.type === 'VariableDeclaration') {
        if (phase >= 2) problems.push(`var after other statements at ${s.start}`);
        const mayInitialise = withoutFunctions && s === first;
        if (!mayInitialise && s.declarations.some((d: AstNode) => d.init !== null)) problems.push(`initialised hoisted var at ${s.start}`);
        phase = 2;
      } else if (s.type === 'FunctionDeclaration') {
        if (phase === 3) problems.push(`function ${s.id?.name} declared after other statements at ${s.start}`);
        phase = 2;
      } else {
        // A leading `for(var …)` holds the scope's declaration; anything else is plain code.
        phase = phase < 2 && leadingForInits.has(s.init) ? 2 : 3;
      }
    }
  };
  const walk = (node: AstNode, isScopeStatement: boolean): void => {
    if (node.type === 'VariableDeclaration' && !isScopeStatement && !leadingForInits.has(node)) problems.push(`var not hoisted at ${node.start}`);
    if (isFunctionNode(node) && node.body.type === 'BlockStatement') {
      checkScope(node.body.body);
      for (const s of node.body.body) walk(s, true);
      for (const p of node.params) walk(p, false);
      return;
    }
    for (const child of childNodes(node)) walk(child, false);
  };
  const ast = parseScript(body);
  checkScope(ast.body);
  for (const s of ast.body) walk(s, true);
  return problems;
}

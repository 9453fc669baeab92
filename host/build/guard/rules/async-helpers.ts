/**
 * Rule async-generator: no async functions, generators or async generators. Espruino has none
 * of them (ESPRUINO.md section 1), and with `target: "ES5"` TypeScript does not emit the syntax
 * (which the es5-syntax rule would catch) but rewrites each such function into calls of its ES5
 * helpers: `__awaiter` (a promise driver), `__generator` (a `switch (_a.label)` state machine),
 * `__asyncGenerator` / `__asyncValues` / `__await`. That is plain ES5, so it parses, yet it is
 * large, slow, leans on Symbol/Iterator probes and is banned on the device by the project brief.
 *
 * The helpers come from tslib and terser renames or inlines them, so they are recognised by
 * shape, not by name:
 *   __awaiter          `new (P || (P = Promise))(…)`  (the promise constructor it adopts)
 *   __generator        an object literal with `label`, `sent`, `trys` and `ops` (its state)
 *   __asyncGenerator…  the string "Symbol.asyncIterator is not defined."
 * (and by the tslib names themselves when the bundle is not minified). Each use is reported where
 * the firmware's own code calls the helper, so the source map names the TypeScript module that
 * declared the async function, not tslib.
 */
import { childNodes, isFunctionNode, type AstNode } from '../../ast.ts';
import type { ScopeAnalysis } from '../scope.ts';
import { finding, type Finding } from '../violation.ts';

type HelperKind = 'async function' | 'generator' | 'async generator';

const HELPER_NAMES: Readonly<Record<string, HelperKind>> = {
  __awaiter: 'async function',
  __generator: 'generator',
  __asyncGenerator: 'async generator',
  __asyncValues: 'async generator',
  __await: 'async generator',
  __asyncDelegator: 'async generator',
};

const GENERATOR_STATE_KEYS = ['label', 'sent', 'trys', 'ops'];
const ASYNC_ITERATOR_MESSAGE = 'Symbol.asyncIterator is not defined.';

const MESSAGES: Readonly<Record<HelperKind, string>> = {
  'async function': 'async function compiled to TypeScript\'s __awaiter/__generator helpers: Espruino has no async/await and the helpers are banned on the device; chain promises with .then() or pass callbacks',
  generator: 'generator function compiled to TypeScript\'s __generator state machine: Espruino has no generators; return an array or keep an explicit index instead',
  'async generator': 'async generator or for await…of compiled to TypeScript\'s __asyncGenerator/__asyncValues helpers: Espruino has neither; use callbacks or promise chains',
};

interface Helper {
  fn: AstNode;
  kind: HelperKind;
  /** Ancestors of fn, outermost first. */
  ancestors: AstNode[];
  /**
   * Whether fn is the helper itself (so its callers are the firmware's async functions), rather
   * than a firmware function terser merged the helper's body into (then fn IS the async function).
   */
  standalone: boolean;
}

/**
 * tslib's `__awaiter(thisArg, _arguments, P, generator)` receives P as a parameter; once terser
 * merges it into its only caller, P becomes a local of that caller. `__generator(thisArg, body)`
 * takes the firmware's body as its second parameter.
 */
function isStandalone(kind: HelperKind, fn: AstNode, signature: AstNode): boolean {
  const params = new Set<string>(fn.params.filter((p: AstNode) => p.type === 'Identifier').map((p: AstNode) => p.name));
  if (kind === 'async function') {
    const adopted = signature.callee.right.left;
    return adopted.type === 'Identifier' && params.has(adopted.name);
  }
  if (kind === 'generator') return fn.params.length === 2;
  return true;
}

export function checkAsyncHelpers(ast: AstNode, analysis: ScopeAnalysis): Finding[] {
  const helpers = findHelpers(ast);
  const reports: { node: AstNode; kind: HelperKind }[] = [];
  for (const helper of helpers.values()) {
    for (const node of useSites(helper, analysis)) reports.push({ node, kind: helper.kind });
  }
  // One async function gives an __awaiter AND a __generator use, the second inside the first:
  // report it once, as the async function it was written as.
  const kept = reports.filter((r, i) =>
    !reports.some((other, j) => j !== i && other.kind !== 'generator' && r.kind === 'generator' && within(r.node, other.node)) &&
    reports.findIndex((other) => other.node === r.node) === i);
  return kept.map((r) => finding('async-generator', r.node, r.kind, MESSAGES[r.kind]));
}

function within(inner: AstNode, outer: AstNode): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The helper functions of the bundle, keyed by their function node. */
function findHelpers(ast: AstNode): Map<AstNode, Helper> {
  const found = new Map<AstNode, Helper>();
  const mark = (kind: HelperKind, signature: AstNode, ancestors: AstNode[]) => {
    for (let i = ancestors.length - 1; i >= 0; i--) {
      const fn = ancestors[i]!;
      if (!isFunctionNode(fn)) continue;
      if (!found.has(fn)) found.set(fn, { fn, kind, ancestors: ancestors.slice(0, i), standalone: isStandalone(kind, fn, signature) });
      return;
    }
  };
  const walk = (node: AstNode, ancestors: AstNode[]): void => {
    const kind = signatureOf(node);
    if (kind) mark(kind, node, ancestors);
    const named = isFunctionNode(node) ? HELPER_NAMES[bindingName(node, ancestors) ?? ''] : undefined;
    if (named && !found.has(node)) found.set(node, { fn: node, kind: named, ancestors: ancestors.slice(), standalone: true });
    ancestors.push(node);
    for (const child of childNodes(node)) walk(child, ancestors);
    ancestors.pop();
  };
  walk(ast, []);
  return found;
}

/** Which helper a node betrays, if any. */
function signatureOf(node: AstNode): HelperKind | undefined {
  if (node.type === 'NewExpression' && adoptsPromise(node.callee)) return 'async function';
  if (node.type === 'ObjectExpression') {
    const keys = new Set<string>();
    for (const p of node.properties) if (p.type === 'Property' && !p.computed) keys.add(p.key.type === 'Identifier' ? p.key.name : String(p.key.value));
    if (GENERATOR_STATE_KEYS.every((k) => keys.has(k))) return 'generator';
  }
  if (node.type === 'Literal' && node.value === ASYNC_ITERATOR_MESSAGE) return 'async generator';
  return undefined;
}

/** `P || (P = Promise)`, whatever P is called (or however terser rewrote the left side). */
function adoptsPromise(callee: AstNode): boolean {
  return callee.type === 'LogicalExpression' && callee.operator === '||' &&
    callee.right.type === 'AssignmentExpression' && callee.right.operator === '=' &&
    callee.right.right.type === 'Identifier' && callee.right.right.name === 'Promise';
}

/**
 * The name a function is bound to: `function n(){}`, `var n = function(){}`, `n = function(){}`,
 * or tslib's `var __awaiter = (this && this.__awaiter) || function () {…}`.
 */
function bindingName(fn: AstNode, ancestors: AstNode[]): string | undefined {
  if (fn.type === 'FunctionDeclaration') return fn.id?.name;
  let child = fn;
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (a.type === 'LogicalExpression') { child = a; continue; }
    if (a.type === 'VariableDeclarator' && a.init === child && a.id.type === 'Identifier') return a.id.name;
    if (a.type === 'AssignmentExpression' && a.right === child && a.left.type === 'Identifier') return a.left.name;
    return undefined;
  }
  return undefined;
}

/** Where the firmware's own code uses a helper: its call sites, or the code it was inlined into. */
function useSites(helper: Helper, analysis: ScopeAnalysis): AstNode[] {
  const { fn, ancestors } = helper;
  const parent = ancestors[ancestors.length - 1];
  // Inlined as an immediately called function: the firmware's code is its last function argument
  // (the generator body of __generator, the body passed to __awaiter).
  if (parent?.type === 'CallExpression' && parent.callee === fn) {
    const bodies = parent.arguments.filter((a: AstNode) => isFunctionNode(a));
    return [bodies.length > 0 ? bodies[bodies.length - 1] : parent];
  }
  if (!helper.standalone) return [fn];
  const name = bindingName(fn, ancestors);
  if (name) {
    const scope = bindingScope(fn, ancestors, analysis);
    const calls: AstNode[] = [];
    for (const ref of analysis.references) {
      if (ref.name !== name || ref.resolved !== scope || ref.isWrite) continue;
      const call = ref.ancestors[ref.ancestors.length - 1];
      if (call?.type === 'CallExpression' && call.callee === ref.node) calls.push(call);
    }
    if (calls.length > 0) return calls;
  }
  // Merged by terser into the function that used it (or never called): report the function.
  return [fn];
}

/** The scope in which the helper's name is declared. */
function bindingScope(fn: AstNode, ancestors: AstNode[], analysis: ScopeAnalysis) {
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const a = ancestors[i]!;
    if (isFunctionNode(a) || a.type === 'Program') return analysis.scopeOf.get(a);
  }
  return analysis.scopeOf.get(fn);
}

/**
 * The small amount of AST plumbing the final pass and the dialect guard share: parsing with
 * acorn and a generic child walk. acorn-walk's visitors know nothing of scopes or parents, and
 * both users need "which function scope owns this node", so a plain recursive walk is simpler.
 */
import { parse, type Options } from 'acorn';

/** An ESTree node as acorn produces it; fields are looked up by name, hence the loose index type. */
export interface AstNode {
  type: string;
  start: number;
  end: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** Parses a script (never a module: the bundle is an iife run by Espruino as plain script). */
export function parseScript(code: string, ecmaVersion: Options['ecmaVersion'] = 'latest', locations = false): AstNode {
  return parse(code, { ecmaVersion, sourceType: 'script', locations, allowHashBang: false }) as unknown as AstNode;
}

// Position fields hold no nodes. (Literal values are never objects with a string `type`, so
// `value` must NOT be skipped: it is also where a Property keeps its value node.)
const SKIPPED_FIELDS = new Set(['type', 'start', 'end', 'loc', 'range']);

/** Every direct child node of `node`, in source order of the fields acorn fills. */
export function childNodes(node: AstNode): AstNode[] {
  const children: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (SKIPPED_FIELDS.has(key)) continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) {
      children.push(value);
    }
  }
  return children;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function isFunctionNode(node: AstNode): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** The name a member expression reads: `o.m` and `o["m"]` give "m"; other computed keys undefined. */
export function memberName(member: AstNode): string | undefined {
  if (!member.computed && member.property.type === 'Identifier') return member.property.name;
  if (member.computed && member.property.type === 'Literal' && typeof member.property.value === 'string') return member.property.value;
  return undefined;
}

/**
 * Whether `fn` is called on the spot: `(function(){})()`, `!function(){}()` (the callee is the
 * function itself) or `(function(){}).call(this)` / `.apply(...)`. Code inside such a function
 * runs where it stands, which matters for ordering checks (TypeScript emits every class and
 * namespace as one of these).
 */
export function isImmediatelyInvoked(fn: AstNode, parent: AstNode | undefined, grandparent: AstNode | undefined): boolean {
  if (!parent) return false;
  if (parent.type === 'CallExpression' && parent.callee === fn) return true;
  if (
    parent.type === 'MemberExpression' && parent.object === fn && !parent.computed &&
    (parent.property.name === 'call' || parent.property.name === 'apply') &&
    grandparent?.type === 'CallExpression' && grandparent.callee === parent
  ) return true;
  return false;
}

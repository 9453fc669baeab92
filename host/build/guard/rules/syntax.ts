/**
 * Rule es5-syntax: the bundle must parse as ECMAScript 5, and must avoid the ES5 syntax that
 * Espruino still rejects (labels). Espruino parses as it executes, so a construct it cannot
 * parse fails only when reached, after earlier statements already ran: it must never ship.
 *
 * When the ES5 parse fails, the bundle is parsed again as modern JavaScript to NAME every
 * offending construct (and where it came from) instead of reporting only the first token.
 */
import { childNodes, parseScript, type AstNode } from '../../ast.ts';
import { finding, snippet, type Finding } from '../violation.ts';

export interface SyntaxCheck {
  /** A modern parse of the bundle for the other rules, when it parses at all. */
  ast: AstNode | undefined;
  findings: Finding[];
}

export function checkSyntax(code: string): SyntaxCheck {
  let es5Error: (SyntaxError & { pos?: number }) | undefined;
  try {
    parseScript(code, 5);
  } catch (error) {
    es5Error = error as SyntaxError & { pos?: number };
  }
  let ast: AstNode | undefined;
  try {
    ast = parseScript(code, 'latest');
  } catch (error) {
    const err = error as SyntaxError & { pos?: number };
    return {
      ast: undefined,
      findings: [{ rule: 'es5-syntax', severity: 'error', message: `the bundle does not parse: ${err.message}`, construct: 'syntax error', start: err.pos ?? 0 }],
    };
  }
  const findings: Finding[] = [];
  walkModern(ast, undefined, code, findings);
  if (es5Error && findings.length === 0) {
    // Parsed as modern JS but no construct was named: report acorn's own ES5 message.
    findings.push({ rule: 'es5-syntax', severity: 'error', message: `not ES5: ${es5Error.message}`, construct: 'syntax', start: es5Error.pos ?? 0 });
  }
  return { ast, findings };
}

function walkModern(node: AstNode, parent: AstNode | undefined, code: string, out: Finding[]): void {
  const name = modernConstruct(node, parent);
  if (name) {
    out.push(finding('es5-syntax', node, name,
      name === 'label'
        ? `Espruino has no labels (syntax error when reached): ${snippet(code, node, 40)}`
        : `${name} is not ES5; Espruino fails on it when reached: ${snippet(code, node, 40)}`));
  }
  for (const child of childNodes(node)) walkModern(child, node, code, out);
}

/** The human name of a post-ES5 construct (or a label), or undefined for plain ES5. */
function modernConstruct(node: AstNode, parent: AstNode | undefined): string | undefined {
  switch (node.type) {
    case 'ArrowFunctionExpression': return 'arrow function';
    case 'ClassDeclaration': case 'ClassExpression': return 'class';
    case 'TemplateLiteral': return parent?.type === 'TaggedTemplateExpression' ? undefined : 'template literal';
    case 'TaggedTemplateExpression': return 'tagged template';
    case 'SpreadElement': return 'spread (...)';
    case 'RestElement': return 'rest element (...)';
    case 'AssignmentPattern': return 'default value';
    case 'ObjectPattern': case 'ArrayPattern': return 'destructuring';
    case 'ForOfStatement': return node.await ? 'for await…of' : 'for…of';
    case 'VariableDeclaration': return node.kind === 'var' ? undefined : node.kind;
    case 'Property':
      if (parent?.type === 'ObjectPattern') return undefined;
      if (node.computed) return 'computed key';
      if (node.method) return 'method shorthand';
      if (node.shorthand) return 'shorthand property';
      return undefined;
    case 'BinaryExpression': return node.operator === '**' ? 'exponent operator **' : undefined;
    case 'LogicalExpression': return node.operator === '??' ? 'nullish coalescing ??' : undefined;
    case 'AssignmentExpression': return ['**=', '??=', '||=', '&&='].includes(node.operator) ? `assignment operator ${node.operator}` : undefined;
    case 'ChainExpression': return 'optional chaining ?.';
    case 'FunctionDeclaration': case 'FunctionExpression':
      if (node.async && node.generator) return 'async generator';
      if (node.async) return 'async function';
      if (node.generator) return 'generator';
      return undefined;
    case 'AwaitExpression': return 'await';
    case 'YieldExpression': return 'yield';
    case 'Literal':
      if (typeof node.bigint === 'string') return 'BigInt literal';
      if (node.regex && /[uysdv]/.test(node.regex.flags)) return `regular expression flag "${node.regex.flags}"`;
      return undefined;
    case 'PrivateIdentifier': return '#private name';
    case 'ImportExpression': return 'import()';
    case 'MetaProperty': return `${node.meta.name}.${node.property.name}`;
    case 'LabeledStatement': return 'label';
    default: return undefined;
  }
}

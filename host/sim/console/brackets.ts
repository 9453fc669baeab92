/**
 * Does this input need more lines? Espruino keeps reading while brackets are unmatched or a string,
 * template or block comment is still open, so a newline never executes half a statement.
 */
export function isIncomplete(code: string): boolean {
  let depth = 0;
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      while (i < n && code[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return true;
      i = end + 2;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < n && code[i] !== c) {
        if (code[i] === '\\') i++;
        else if (c !== '`' && code[i] === '\n') break; // an unterminated plain string ends at the line
        i++;
      }
      if (i >= n) return c === '`';
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    i++;
  }
  return depth > 0;
}

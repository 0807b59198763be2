// The import graph of the built web app, for web/build.mjs: which module
// imports which, so that every module the page runs can be fetched with
// Subresource Integrity (docs/web.md, "Integrity of every module").
//
// A small JavaScript scanner, enough for our own modules: it skips comments,
// strings, template literals (with their ${} substitutions) and regular
// expression literals (told from a division by the token before them), then
// reads
//   import ... from "x";  import "x";  export ... from "x";   static edges
//   import("x")                                                dynamic edges
//   importChecked("x", ...)                                    checked loads
// What it cannot read with certainty (an unterminated literal, an import
// clause it does not recognise, an escape in a specifier) is an error, and
// an import() or importChecked() whose argument is not one plain string
// literal is reported as computed, which the build refuses: never a guess,
// since a module the build does not see would run without integrity.
// web/tests/build.test.mjs compares the static edges with V8's own parser.

import path from 'node:path';

// Keywords after which a "/" starts a regular expression, not a division.
const BEFORE_EXPRESSION = new Set([
  'await', 'case', 'delete', 'do', 'else', 'export', 'extends', 'in', 'instanceof', 'new', 'of', 'return',
  'throw', 'typeof', 'void', 'yield',
]);
const ID_START = /[A-Za-z_$\u0080-\uffff]/;
const ID_PART = /[\w$\u0080-\uffff]/;

export class ScanError extends Error {
  constructor(file, line, msg) {
    super(`${file}:${line}: ${msg}`);
    this.name = 'ScanError';
  }
}

/** The significant tokens of `src`: {type: id|str|num|punct|tpl|re, value, line}. */
export function tokens(src, file = '<module>') {
  const out = [];
  const braces = []; // per open "{": true if it opened a template substitution
  let i = src.startsWith('#!') ? src.indexOf('\n') + 1 || src.length : 0;
  let line = 1 + (src.slice(0, i).match(/\n/g) || []).length;
  const fail = (msg) => {
    throw new ScanError(file, line, msg);
  };
  const push = (type, value) => out.push({ type, value, line });
  const prev = () => out[out.length - 1];
  const regexAllowed = () => {
    const t = prev();
    if (!t) return true;
    if (t.type === 'id') return BEFORE_EXPRESSION.has(t.value);
    if (t.type === 'punct') return ![')', ']', '}', '++', '--'].includes(t.value);
    return false; // after a string, number, template or regex: a division
  };

  // The rest of a template literal from i (after "`" or a substitution's "}").
  const template = () => {
    for (;;) {
      if (i >= src.length) fail('unterminated template literal');
      const c = src[i];
      if (c === '\\') {
        i += 2;
      } else if (c === '`') {
        i++;
        push('tpl', '');
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        push('tpl', '');
        braces.push(true);
        return;
      } else {
        if (c === '\n') line++;
        i++;
      }
    }
  };

  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment');
      line += (src.slice(i, end).match(/\n/g) || []).length;
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let escaped = false;
      while (src[j] !== c) {
        if (j >= src.length || src[j] === '\n') fail('unterminated string');
        if (src[j] === '\\') {
          escaped = true;
          if (src[j + 1] === '\n') line++;
          j++;
        }
        j++;
      }
      // The value only matters for specifiers, which never need an escape.
      push('str', escaped ? null : src.slice(i + 1, j));
      i = j + 1;
    } else if (c === '`') {
      i++;
      template();
    } else if (c === '}' && braces.length > 0 && braces[braces.length - 1] === true) {
      braces.pop();
      i++;
      template();
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      for (;;) {
        if (j >= src.length || src[j] === '\n') fail('unterminated regular expression');
        const d = src[j];
        if (d === '\\') j++;
        else if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      j++;
      while (j < src.length && /[a-z]/.test(src[j])) j++;
      push('re', src.slice(i, j));
      i = j;
    } else if (ID_START.test(c)) {
      let j = i + 1;
      while (j < src.length && ID_PART.test(src[j])) j++;
      push('id', src.slice(i, j));
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < src.length && /[\w.]/.test(src[j])) j++;
      push('num', src.slice(i, j));
      i = j;
    } else {
      const two = src.slice(i, i + 2);
      if (two === '++' || two === '--' || two === '?.' || two === '=>') {
        push('punct', two);
        i += 2;
      } else {
        if (c === '{') braces.push(false);
        else if (c === '}') {
          if (braces.length === 0) fail('unbalanced "}"');
          braces.pop();
        }
        push('punct', c);
        i++;
      }
    }
  }
  if (braces.length > 0) fail('unclosed "{"');
  return out;
}

const isPunct = (t, v) => t && t.type === 'punct' && t.value === v;
const isId = (t, v) => t && t.type === 'id' && t.value === v;

// The specifier of a call whose "(" is at tokens[k]: a lone string literal
// argument (followed by ")" or ","), or null for anything computed.
function literalArgument(toks, k) {
  const arg = toks[k + 1];
  if (arg && arg.type === 'str' && arg.value !== null && (isPunct(toks[k + 2], ')') || isPunct(toks[k + 2], ','))) {
    return arg.value;
  }
  return null;
}

// From tokens[k] (just after "import" or "export"), the specifier after
// "from" that ends the clause, or null for an export clause without "from"
// (export { a, b }: local names). Throws on what a clause cannot hold.
function clauseSpecifier(toks, k, file, keyword) {
  let depth = 0;
  for (let j = k; j < toks.length; j++) {
    const t = toks[j];
    if (isPunct(t, '{')) {
      depth++;
    } else if (isPunct(t, '}')) {
      depth--;
      if (depth === 0 && keyword === 'export' && !isId(toks[j + 1], 'from')) return null;
    } else if (depth === 0 && isId(t, 'from') && toks[j + 1]?.type === 'str') {
      if (toks[j + 1].value === null) throw new ScanError(file, t.line, 'an escape in a module specifier');
      return toks[j + 1].value;
    } else if (!(t.type === 'id' || isPunct(t, ',') || isPunct(t, '*') || (depth > 0 && t.type === 'str'))) {
      throw new ScanError(file, t.line, `cannot read this ${keyword} clause`);
    }
  }
  throw new ScanError(file, toks[k]?.line ?? 0, `unfinished ${keyword} clause`);
}

/**
 * What module `src` loads:
 *   static:  specifiers of import/export-from, in source order
 *   dynamic: {specifier, line} of import(); specifier null when computed
 *   checked: {specifier, line} of importChecked(); null when computed
 */
export function moduleImports(src, file = '<module>') {
  const toks = tokens(src, file);
  const result = { static: [], dynamic: [], checked: [] };
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.type !== 'id') continue;
    const before = toks[k - 1];
    if (isPunct(before, '.') || isPunct(before, '?.')) continue; // a property: x.import
    const next = toks[k + 1];
    if (t.value === 'import') {
      if (isPunct(next, '(')) {
        result.dynamic.push({ specifier: literalArgument(toks, k + 1), line: t.line });
      } else if (isPunct(next, '.')) {
        // import.meta
      } else if (next?.type === 'str') {
        if (next.value === null) throw new ScanError(file, t.line, 'an escape in a module specifier');
        result.static.push(next.value);
      } else if (isPunct(next, ':')) {
        // a property name: { import: ... }
      } else {
        result.static.push(clauseSpecifier(toks, k + 1, file, 'import'));
      }
    } else if (t.value === 'export') {
      if (isPunct(next, '*') || isPunct(next, '{')) {
        const s = clauseSpecifier(toks, k + 1, file, 'export');
        if (s !== null) result.static.push(s);
      }
    } else if (t.value === 'importChecked' && isPunct(next, '(') && !isId(before, 'function')) {
      result.checked.push({ specifier: literalArgument(toks, k + 1), line: t.line });
    }
  }
  return result;
}

/**
 * The build-relative path a specifier of module `from` names, or null if
 * it is not a relative ("./", "../") or root ("/") path inside the build
 * without query or fragment (a bare name or a URL: nothing the build can
 * check).
 */
export function resolveSpecifier(from, specifier) {
  if (!/^(\.{1,2})?\//.test(specifier) || /[?#\\]/.test(specifier)) return null;
  const target = specifier.startsWith('/')
    ? path.posix.normalize(specifier.slice(1))
    : path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return target === '..' || target.startsWith('../') || target === '.' ? null : target;
}

/**
 * `start` and every module it imports statically, transitively, each once,
 * dependencies before the modules that import them (depth first, in
 * source order: the same graph always gives the same list).
 * graph: Map(path -> {static: [paths]}).
 */
export function closure(graph, start) {
  const seen = new Set();
  const order = [];
  const visit = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    const node = graph.get(p);
    if (!node) throw new Error(`${p}: not a module of the build`);
    for (const dep of node.static) visit(dep);
    order.push(p);
  };
  visit(start);
  return order;
}

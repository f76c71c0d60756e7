/**
 * SageMaker evaluates metric regexes with Python's `re`, so users write Python syntax. This
 * rewrites the parts that differ from JavaScript's RegExp, so the same `metricDefinitions` are
 * validated (request builder) and applied (local backend) exactly as written.
 */

/** A Python regular expression rewritten for JavaScript's `RegExp`. */
export interface TranslatedRegex {
  source: string;
  flags: string;
}

const LEADING_FLAGS = /^\(\?([aiLmsux]+)\)/;

/**
 * Rewrites the Python-only parts of a regular expression:
 * - `(?P<name>…)` → `(?<name>…)` and `(?P=name)` → `\k<name>`;
 * - global inline flags at the start, e.g. `(?i)`, `(?s)`, `(?m)`, `(?x)`, become RegExp flags
 *   (`x`, verbose mode, is applied by dropping unescaped whitespace and `#` comments; `a`, `u`
 *   and `L` have no JavaScript counterpart and are ignored);
 * - `(?#comment)` is removed; `\A` and `\Z` become look-arounds for the start/end of the line;
 * - a `]` right after `[` or `[^` is a literal in Python but closes the class in JavaScript, so
 *   it is escaped.
 * Everything else is passed through; constructs JavaScript lacks (possessive quantifiers, atomic
 * groups, conditionals, scoped flags) then fail in `new RegExp` and are reported by the caller.
 */
export function translatePythonRegex(pattern: string): TranslatedRegex {
  const flags = new Set<string>();
  let verbose = false;
  let i = 0;
  for (let m = LEADING_FLAGS.exec(pattern); m; m = LEADING_FLAGS.exec(pattern.slice(i))) {
    for (const flag of m[1] ?? '') {
      if (flag === 'i' || flag === 'm' || flag === 's') flags.add(flag);
      else if (flag === 'x') verbose = true;
    }
    i += m[0].length;
  }

  let out = '';
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new SyntaxError('pattern ends with a lone backslash');
      if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else out += c + next;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      if (pattern[i] === '^') {
        out += '^';
        i += 1;
      }
      if (pattern[i] === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (verbose && /\s/.test(c)) {
      i += 1;
      continue;
    }
    if (verbose && c === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i += 1;
      continue;
    }
    if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
      continue;
    }
    if (pattern.startsWith('(?P=', i)) {
      const end = pattern.indexOf(')', i);
      if (end < 0) throw new SyntaxError('unterminated (?P=name) back-reference');
      out += `\\k<${pattern.slice(i + 4, end)}>`;
      i = end + 1;
      continue;
    }
    if (pattern.startsWith('(?#', i)) {
      const end = pattern.indexOf(')', i);
      if (end < 0) throw new SyntaxError('unterminated (?#comment)');
      i = end + 1;
      continue;
    }
    out += c;
    i += 1;
  }
  return { source: out, flags: [...flags].sort().join('') };
}

/** A JavaScript RegExp equivalent to the Python pattern; throws SyntaxError when it cannot be. */
export function toRegExp(pattern: string): RegExp {
  const { source, flags } = translatePythonRegex(pattern);
  return new RegExp(source, flags);
}

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
  const { flags, verbose, start } = leadingFlags(pattern);
  let out = '';
  let inClass = false;
  let i = start;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    let step: Step;
    if (c === '\\') step = backslashEscape(pattern, i, inClass);
    else if (inClass) {
      if (c === ']') inClass = false;
      step = [c, i + 1];
    } else if (c === '[') {
      inClass = true;
      step = classOpening(pattern, i);
    } else step = pythonConstruct(pattern, i, verbose) ?? [c, i + 1];
    out += step[0];
    i = step[1];
  }
  return { source: out, flags: [...flags].sort().join('') };
}

/** What one step of the translation emits, and where the next one starts. */
type Step = [text: string, next: number];

/** The global inline flags at the start (`(?i)`, `(?ms)`, …): RegExp flags, verbose mode, and where the pattern proper begins. */
function leadingFlags(pattern: string): { flags: Set<string>; verbose: boolean; start: number } {
  const flags = new Set<string>();
  let verbose = false;
  let start = 0;
  for (let m = LEADING_FLAGS.exec(pattern); m; m = LEADING_FLAGS.exec(pattern.slice(start))) {
    for (const flag of m[1] ?? '') {
      if (flag === 'i' || flag === 'm' || flag === 's') flags.add(flag);
      else if (flag === 'x') verbose = true;
    }
    start += m[0].length;
  }
  return { flags, verbose, start };
}

/** A backslash escape: `\A` and `\Z` (outside classes) become look-arounds, the rest passes through. */
function backslashEscape(pattern: string, i: number, inClass: boolean): Step {
  const next = pattern[i + 1];
  if (next === undefined) throw new SyntaxError('pattern ends with a lone backslash');
  if (!inClass && next === 'Z') return ['(?![\\s\\S])', i + 2];
  if (!inClass && next === 'A') return ['(?<![\\s\\S])', i + 2];
  return [`\\${next}`, i + 2];
}

/** `[` or `[^`, with a `]` right after it escaped (a literal in Python, the class's end in JavaScript). */
function classOpening(pattern: string, i: number): Step {
  let text = '[';
  let next = i + 1;
  if (pattern[next] === '^') {
    text += '^';
    next += 1;
  }
  if (pattern[next] === ']') {
    text += '\\]';
    next += 1;
  }
  return [text, next];
}

/** A Python-only construct outside a class (verbose whitespace and comments, `(?P<…>`, `(?P=…)`, `(?#…)`), or undefined. */
function pythonConstruct(pattern: string, i: number, verbose: boolean): Step | undefined {
  const c = pattern[i] as string;
  if (verbose && /\s/.test(c)) return ['', i + 1];
  if (verbose && c === '#') {
    const end = pattern.indexOf('\n', i);
    return ['', end < 0 ? pattern.length : end];
  }
  if (pattern.startsWith('(?P<', i)) return ['(?<', i + 4];
  if (pattern.startsWith('(?P=', i)) {
    const end = pattern.indexOf(')', i);
    if (end < 0) throw new SyntaxError('unterminated (?P=name) back-reference');
    return [`\\k<${pattern.slice(i + 4, end)}>`, end + 1];
  }
  if (pattern.startsWith('(?#', i)) {
    const end = pattern.indexOf(')', i);
    if (end < 0) throw new SyntaxError('unterminated (?#comment)');
    return ['', end + 1];
  }
  return undefined;
}

/** A JavaScript RegExp equivalent to the Python pattern; throws SyntaxError when it cannot be. */
export function toRegExp(pattern: string): RegExp {
  const { source, flags } = translatePythonRegex(pattern);
  return new RegExp(source, flags);
}

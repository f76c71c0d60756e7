/**
 * SageMaker metric regexes are written for Python's `re`; JavaScript's RegExp differs in a few
 * spellings. This translates those (named groups, named back-references, leading inline
 * flags) so the same `metricDefinitions` work in both places.
 */

/** Result of translating a Python pattern: JS source and the flags it asked for. */
export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** Translates a Python `re` pattern to a JavaScript pattern source (flags folded into {@link toRegExp}). */
export function translatePythonRegex(pattern: string): string {
  return splitFlags(pattern).source;
}

/** Separates a leading `(?aiLmsux)` group into JS flags. */
export function splitFlags(pattern: string): TranslatedRegex {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      if (f === 'm' && !flags.includes('m')) flags += 'm';
      if (f === 's' && !flags.includes('s')) flags += 's';
    }
  }
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\Z/g, '$');
  return { source, flags };
}

/** A JavaScript RegExp equivalent to the Python pattern. */
export function toRegExp(pattern: string): RegExp {
  const { source, flags } = splitFlags(pattern);
  return new RegExp(source, flags);
}

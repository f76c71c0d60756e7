/** "Did you mean" suggestions for misspelt option names. */

/** Levenshtein distance, case-insensitive (typos in job files are often just case). */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The closest candidate within a third of the word's length (at least 2 edits), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const normalized = (s: string) => s.toLowerCase().replace(/[_-]/g, '');
  // snake_case spellings of camelCase keys (the Python names) are the most common slip.
  const exact = candidates.find((c) => normalized(c) === normalized(word));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

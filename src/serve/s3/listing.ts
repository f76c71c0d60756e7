/**
 * The page a listing answers (ListObjects V1 and V2, ListObjectVersions): keys after a marker,
 * under a prefix, rolled up into common prefixes at a delimiter, at most `maxKeys` entries.
 */

/** One page of a listing. */
export interface ListingPage {
  keys: string[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on the page: where the next page starts. */
  last: string | undefined;
}

/** Lists `sortedKeys` (S3 order) as S3 does. `after` is exclusive. */
export function listPage(sortedKeys: readonly string[], options: { prefix: string; delimiter: string; after: string; maxKeys: number }): ListingPage {
  const { prefix, delimiter, after, maxKeys } = options;
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let count = 0;
  // Keys under a prefix are contiguous in sorted order: start at the later of the prefix and the marker.
  const start = Math.max(lowerBound(sortedKeys, prefix), after ? upperBound(sortedKeys, after) : 0);
  for (let i = start; i < sortedKeys.length; i++) {
    const key = sortedKeys[i]!;
    if (!key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut >= 0 ? key.slice(0, cut + delimiter.length) : key;
    // A common prefix already listed (or the marker itself lies inside it).
    if (cut >= 0 && (entry === last || after.startsWith(entry))) continue;
    // max-keys=0 answers nothing and, as S3 does, says nothing is left out.
    if (count === maxKeys) return { keys, commonPrefixes, isTruncated: maxKeys > 0, last };
    if (cut >= 0) commonPrefixes.push(entry);
    else keys.push(key);
    last = entry;
    count++;
  }
  return { keys, commonPrefixes, isTruncated: false, last };
}

/** First index whose key is >= `value` (UTF-8 order). */
function lowerBound(sorted: readonly string[], value: string): number {
  const target = Buffer.from(value, 'utf8');
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Buffer.compare(Buffer.from(sorted[mid]!, 'utf8'), target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose key is > `value`. */
function upperBound(sorted: readonly string[], value: string): number {
  const target = Buffer.from(value, 'utf8');
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Buffer.compare(Buffer.from(sorted[mid]!, 'utf8'), target) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

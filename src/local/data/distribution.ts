/**
 * How a channel's objects are spread over the hosts of a job.
 *
 * - `FullyReplicated` (the default): every host gets every object.
 * - `ShardedByS3Key`: objects are dealt round-robin in key order — object k goes to host
 *   `k mod N` (algo-1 first) — so each host gets a disjoint ~1/N share and every object lands on
 *   exactly one host. SageMaker documents only "about 1/N of the objects per host"; round-robin
 *   by sorted key is sagekit's deterministic choice. With fewer objects than hosts, the last hosts
 *   get nothing (a warning says so).
 * - `ShuffleConfig.Seed` shuffles the object order (before sharding, and the order Pipe mode
 *   streams in) with a seeded PRNG: the same seed gives the same order on every run, though not
 *   the same order SageMaker's own shuffle would produce.
 */

/** A small deterministic PRNG (mulberry32) for seeded shuffles. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A new array with the items in a seeded pseudo-random order (Fisher–Yates). */
export function shuffleItems<T>(items: readonly T[], seed: number): T[] {
  // Seeds are 64-bit longs in the API; fold the high bits in so they matter too.
  const folded = (seed % 4294967296) ^ Math.floor(seed / 4294967296);
  const random = mulberry32(folded);
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** Known values of `S3DataDistributionType`. */
export type Distribution = 'FullyReplicated' | 'ShardedByS3Key';

/** The items each host gets: `result[i]` is host `algo-(i+1)`'s list, in stream order. */
export function assignToHosts<T>(items: readonly T[], hostCount: number, distribution: Distribution): T[][] {
  if (distribution === 'FullyReplicated') return Array.from({ length: hostCount }, () => [...items]);
  const shares: T[][] = Array.from({ length: hostCount }, () => []);
  items.forEach((item, index) => shares[index % hostCount]!.push(item));
  return shares;
}

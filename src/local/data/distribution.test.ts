import { describe, expect, it } from 'vitest';
import { assignToHosts, shuffleItems } from './distribution.js';

describe('assignToHosts', () => {
  const keys = Array.from({ length: 11 }, (_, i) => `part-${String(i).padStart(2, '0')}`);

  it.each([1, 2, 3, 4])('shards %i hosts disjointly and completely, round-robin', (hosts) => {
    const shares = assignToHosts(keys, hosts, 'ShardedByS3Key');
    expect(shares).toHaveLength(hosts);
    const all = shares.flat();
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual(keys);
    shares.forEach((share, host) => expect(share).toEqual(keys.filter((_, k) => k % hosts === host)));
    const sizes = shares.map((s) => s.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('gives every host everything when fully replicated', () => {
    expect(assignToHosts(['a', 'b'], 3, 'FullyReplicated')).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('leaves later hosts empty when there are fewer objects than hosts', () => {
    expect(assignToHosts(['a'], 3, 'ShardedByS3Key')).toEqual([['a'], [], []]);
  });
});

describe('shuffleItems', () => {
  it('is a deterministic permutation per seed', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const a = shuffleItems(items, 42);
    expect(shuffleItems(items, 42)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(shuffleItems(items, 43)).not.toEqual(a);
    expect(shuffleItems(items, 2 ** 40 + 42)).not.toEqual(a);
  });
});

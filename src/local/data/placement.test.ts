import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertDistinctPaths, destinationFor } from './placement.js';

describe('destinationFor', () => {
  it('keeps nested paths inside the root', () => {
    expect(destinationFor('/stage', 'a/b/c.csv')).toBe(path.join('/stage', 'a', 'b', 'c.csv'));
    expect(destinationFor('/stage', 'a//./b.csv')).toBe(path.join('/stage', 'a', 'b.csv'));
  });

  it.each(['../x', 'a/../../x', '..', '', '.', '/etc/passwd'])('refuses %j', (rel) => {
    expect(() => destinationFor('/stage', rel)).toThrow(/outside the channel directory/);
  });
});

describe('assertDistinctPaths', () => {
  it('refuses two items that land on the same path', () => {
    const item = (key: string, relativePath: string) => ({ kind: 's3' as const, location: { bucket: 'b', key }, relativePath });
    expect(() => assertDistinctPaths([item('p/a', 'a'), item('p/b', 'b')])).not.toThrow();
    expect(() => assertDistinctPaths([item('p/a', 'x/a'), item('q/a', 'x//a')])).toThrow('s3://b/p/a and s3://b/q/a both map to "x/a"');
  });
});

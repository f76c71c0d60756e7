import { describe, expect, it } from 'vitest';
import { compareKeys, relativeKey } from './sources.js';

describe('relativeKey', () => {
  it.each([
    // [prefix, key, path in the channel]
    ['data/train', 'data/train/a.csv', 'a.csv'],
    ['data/train', 'data/train/sub/b.csv', 'sub/b.csv'],
    ['data/train/', 'data/train/sub/b.csv', 'sub/b.csv'],
    ['data/train/a.csv', 'data/train/a.csv', 'a.csv'],
    ['data/train', 'data/train_extra/c.csv', 'train_extra/c.csv'],
    ['data/tr', 'data/train/a.csv', 'train/a.csv'],
    ['train_', 'train_1.csv', 'train_1.csv'],
    ['', 'top/x.csv', 'top/x.csv'],
    ['file.csv', 'file.csv', 'file.csv'],
  ])('prefix %j, key %j -> %j', (prefix, key, expected) => {
    expect(relativeKey(prefix, key)).toBe(expected);
  });
});

describe('compareKeys', () => {
  it('orders by UTF-8 bytes like S3 listings', () => {
    const keys = ['b', 'a/b', 'a-c', '\u{1F600}', '\uFF21', 'a'];
    expect([...keys].sort(compareKeys)).toEqual(['a', 'a-c', 'a/b', 'b', '\uFF21', '\u{1F600}']);
  });
});

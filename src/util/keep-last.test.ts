import { describe, expect, it } from 'vitest';
import { keepLast, LAST_LINES_KEPT } from './keep-last.js';

describe('keepLast', () => {
  it('keeps the last items, oldest first', () => {
    const list: string[] = [];
    for (let i = 1; i <= 5; i++) keepLast(list, `line ${i}`, 3);
    expect(list).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it('trims a list that is already longer than the limit, and defaults to 20', () => {
    const list = Array.from({ length: 30 }, (_, i) => i);
    keepLast(list, 30);
    expect(list).toHaveLength(LAST_LINES_KEPT);
    expect(list[0]).toBe(11);
    expect(list.at(-1)).toBe(30);
  });
});

import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimited } from './concurrency.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createLimiter', () => {
  it('never runs more than the limit at once and keeps result order', async () => {
    const limiter = createLimiter(2);
    let active = 0;
    let peak = 0;
    const results = await mapLimited([5, 1, 4, 2, 3], limiter, async (ms, i) => {
      active += 1;
      peak = Math.max(peak, active);
      await tick(ms);
      active -= 1;
      return i;
    });
    expect(results).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('rejects with the first error after the started tasks settled', async () => {
    const limiter = createLimiter(3);
    const finished: number[] = [];
    await expect(
      mapLimited([1, 2, 3], limiter, async (n) => {
        await tick(n * 5);
        if (n === 1) throw new Error('boom');
        finished.push(n);
      }),
    ).rejects.toThrow('boom');
    expect(finished.sort()).toEqual([2, 3]);
  });
});

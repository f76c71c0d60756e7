/**
 * A tiny concurrency limiter: transfers run in parallel, but only a few at a time, so a channel
 * with thousands of objects neither opens thousands of sockets nor starves the others.
 */

/** Runs functions with at most `limit` of them in flight at once. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Creates a {@link Limiter} with `limit` slots (at least 1). */
export function createLimiter(limit: number): Limiter {
  const slots = Math.max(1, Math.floor(limit));
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * Maps `items` through `fn` with the limiter, preserving order. Rejects with the first error,
 * after every task already started has settled (so no download keeps writing behind our back).
 */
export async function mapLimited<T, R>(items: readonly T[], limiter: Limiter, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const settled = await Promise.allSettled(items.map((item, index) => limiter(() => fn(item, index))));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

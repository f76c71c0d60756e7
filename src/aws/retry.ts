/** Retries of AWS calls that fail for passing reasons (throttling, 5xx, network blips). */
import { sleep } from '../util/sleep.js';

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
]);

/** True when repeating the call later may succeed. */
function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (e.$retryable) return true;
  if (RETRYABLE_NAMES.has(e.name ?? '') || RETRYABLE_NAMES.has(e.code ?? '')) return true;
  const status = e.$metadata?.httpStatusCode ?? 0;
  return status === 429 || status >= 500;
}

/** Backoff settings. */
export interface RetryOptions {
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
}

/** Runs `call`, retrying retryable failures with exponential backoff and jitter. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 20_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await sleep(delay, options.signal);
    }
  }
}

export { sleep };

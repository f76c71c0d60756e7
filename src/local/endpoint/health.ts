/**
 * SageMaker's start-up health check: `GET /ping` on each instance until it answers 200, within
 * `ContainerStartupHealthCheckTimeoutInSeconds`. A container that exits first fails at once.
 * (The checks of instances in service are the instance pool's: instance-pool.ts.)
 */
import { sleep } from '../../util/sleep.js';

/** Why an instance never became healthy. */
class UnhealthyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnhealthyError';
  }
}

const POLL_MS = 500;
const PING_TIMEOUT_MS = 2000;

/** One `GET /ping`: the HTTP status, or why there was none. */
export async function pingOnce(address: string, timeoutMs = PING_TIMEOUT_MS): Promise<number | string> {
  try {
    const response = await fetch(new URL('/ping', address), { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  } catch (error) {
    return ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
  }
}

/**
 * Resolves once `address` answers 200; rejects with {@link UnhealthyError} when `exited`
 * settles first, `timeoutSeconds` pass or `signal` aborts (another instance already failed).
 */
export async function waitHealthy(name: string, address: string, exited: Promise<number>, timeoutSeconds: number, signal?: AbortSignal): Promise<void> {
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last: number | string = 'no answer yet';
  for (;;) {
    if (signal?.aborted) throw new UnhealthyError(`the health check of ${name} was abandoned`);
    if (exitCode !== undefined) throw new UnhealthyError(`the container of ${name} exited with code ${exitCode} before answering GET /ping`);
    last = await pingOnce(address);
    if (last === 200) return;
    if (Date.now() >= deadline) {
      const what = typeof last === 'number' ? `HTTP ${last}` : last;
      throw new UnhealthyError(`${name} did not pass the health check (GET /ping → 200) within ${timeoutSeconds}s; last answer: ${what}`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * A container's exit code, found even when the engine's answer to `wait` never comes.
 *
 * docker-modem settles a non-streaming request such as `POST /containers/ID/wait` only on the
 * response's end, so when the engine's API service dies after sending the headers (Podman's
 * `podman system service` restarted mid-job) the wait stays pending forever while the container
 * has long exited (FAULTS 4). So the container is also inspected every few seconds on fresh
 * connections, each call bounded, and whichever learns of the exit first wins. The loser is
 * aborted, so nothing keeps the job's process busy afterwards.
 */
import type { EngineContainer } from './engine/types.js';
import { sleep } from '../util/sleep.js';

/** How often the container is inspected while waiting: slow enough to cost nothing. */
const POLL_MS = 2000;
/** Bound of one inspect call: an engine that accepted the connection but never answers. */
const CALL_BOUND_MS = 10_000;

/** Resolves with the container's exit code (-1 when the engine cannot say). */
export async function waitForExit(container: EngineContainer): Promise<number> {
  const done = new AbortController();
  try {
    const waited = container.wait({ signal: done.signal }).then(
      (result) => result.StatusCode,
      () => -1,
    );
    const polled = pollForExit(container, done.signal);
    const first = await Promise.race([waited, polled]);
    // -1 from wait: engines that lose track of a very fast exit; inspect knows.
    return first >= 0 ? first : await polled;
  } finally {
    done.abort();
  }
}

/** Inspects until the container has exited; -1 when aborted first. */
async function pollForExit(container: EngineContainer, signal: AbortSignal): Promise<number> {
  for (let delay = 100; !signal.aborted; delay = Math.min(POLL_MS, delay * 2)) {
    await sleep(delay, signal);
    if (signal.aborted) break;
    const bound = AbortSignal.any([signal, AbortSignal.timeout(CALL_BOUND_MS)]);
    const state = await container.inspect({ signal: bound }).then(
      (info) => info.State,
      () => undefined,
    );
    if (state && !state.Running && state.Status !== 'created') return state.ExitCode;
  }
  return -1;
}

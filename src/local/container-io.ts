/**
 * Reading a container's output and exit: attached before the start or logs followed after, and
 * the exit code from whichever of the engine's wait and inspect answers first.
 */
import type { EngineContainer, OutputStream } from './engine/types.js';
import { waitForExit } from './exit-watch.js';
import { sleep } from '../util/sleep.js';

export type { OutputStream } from './engine/types.js';

/** How a container's output is read: attached before it starts, or its logs followed after. */
export type OutputMode = 'attach' | 'logs';

/**
 * A container's multiplexed output from its first byte; the stream ends when the container
 * exits. Attach before the start (nothing is missed and nothing races the start), follow logs
 * after it (they replay everything printed so far).
 */
export function openOutput(container: EngineContainer, how: OutputMode = 'logs'): Promise<OutputStream> {
  return how === 'attach' ? container.attach() : container.followLogs();
}

/** The exit code recorded by the engine once the container has finished; undefined while it has not. */
async function finishedExitCode(container: EngineContainer): Promise<number | undefined> {
  const state = await container.inspect().then(
    (i) => i.State,
    () => undefined,
  );
  const finished = state && !state.Running && state.Status !== 'created' && Boolean(state.FinishedAt) && !state.FinishedAt.startsWith('0001-');
  return finished ? state.ExitCode : undefined;
}

/** After the output ended: the exit code from inspect, asked a few times (0.5 s), else undefined. */
async function exitCodeAfterOutput(container: EngineContainer, outputEnded: Promise<void>): Promise<number | undefined> {
  await outputEnded;
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await finishedExitCode(container);
    if (code !== undefined) return code;
    await sleep(25);
  }
  return undefined;
}

/**
 * The exit code of a container. The engine's wait is always asked (raced with bounded inspects,
 * so an engine service restarted mid-job cannot leave it pending: exit-watch.ts); once the output
 * has ended, inspect is asked too and the first answer wins — Podman's wait answers 0.25–1 s
 * after the exit (it polls), its inspect at once.
 */
export async function exitCodeOf(container: EngineContainer, outputEnded?: Promise<void>): Promise<number> {
  const waited = waitForExit(container);
  const early = outputEnded ? exitCodeAfterOutput(container, outputEnded).then((code) => code ?? waited) : waited;
  return Promise.race([waited, early]);
}

/** Errors of a connection that died, rather than an engine that refused. */
function connectionLost(error: unknown): boolean {
  return /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ENOENT/i.test(`${(error as Error).message} ${(error as { code?: string }).code ?? ''}`);
}

/**
 * Starts a container. The engine may start it and then lose the connection before it answers
 * (its API service restarted at that moment: FAULTS 4); then the container is asked about, for
 * up to `graceMs` while the service comes back, and a container that did start counts as started.
 */
export async function startContainer(container: EngineContainer, graceMs = 30_000): Promise<void> {
  try {
    await container.start();
  } catch (error) {
    if (!connectionLost(error)) throw error;
    for (const deadline = Date.now() + graceMs; Date.now() < deadline; ) {
      await sleep(250);
      const state = await container.inspect().then(
        (i) => i.State,
        () => undefined,
      );
      if (!state) continue; // the service is not back yet
      // Started (or already ended) counts; still "created" means the start was lost with the connection.
      if (state.Status !== 'created' || state.Running) return;
      throw error;
    }
    throw error;
  }
}

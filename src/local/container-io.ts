/**
 * Reading a container's output and exit: attached before the start or logs followed after, and
 * the exit code from whichever of the engine's wait and inspect answers first.
 */
import type Docker from 'dockerode';
import { waitForExit } from './exit-watch.js';

/** A container's multiplexed output stream. */
export type OutputStream = NodeJS.ReadableStream & { destroy?: () => void };

/** How a container's output is read: attached before it starts, or its logs followed after. */
export type OutputMode = 'attach' | 'logs';

/**
 * A container's multiplexed output from its first byte; the stream ends when the container
 * exits. Attach before the start (nothing is missed and nothing races the start), follow logs
 * after it (they replay everything printed so far).
 */
export async function openOutput(container: Docker.Container, how: OutputMode = 'logs'): Promise<OutputStream> {
  const stream =
    how === 'attach' ? container.attach({ stream: true, stdout: true, stderr: true }) : container.logs({ follow: true, stdout: true, stderr: true });
  return (await stream) as unknown as OutputStream;
}

/** The exit code recorded by the engine once the container has finished; undefined while it has not. */
async function finishedExitCode(container: Docker.Container): Promise<number | undefined> {
  const state = await container.inspect().then(
    (i) => i.State,
    () => undefined,
  );
  const finished = state && !state.Running && state.Status !== 'created' && Boolean(state.FinishedAt) && !state.FinishedAt.startsWith('0001-');
  return finished ? state.ExitCode : undefined;
}

/** After the output ended: the exit code from inspect, asked a few times (0.5 s), else undefined. */
async function exitCodeAfterOutput(container: Docker.Container, outputEnded: Promise<void>): Promise<number | undefined> {
  await outputEnded;
  for (let attempt = 0; attempt < 20; attempt++) {
    const code = await finishedExitCode(container);
    if (code !== undefined) return code;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return undefined;
}

/**
 * The exit code of a container. The engine's wait is always asked (raced with bounded inspects,
 * so an engine service restarted mid-job cannot leave it pending: exit-watch.ts); once the output
 * has ended, inspect is asked too and the first answer wins — Podman's wait answers 0.25–1 s
 * after the exit (it polls), its inspect at once.
 */
export async function exitCodeOf(container: Docker.Container, outputEnded?: Promise<void>): Promise<number> {
  const waited = waitForExit(container);
  const early = outputEnded ? exitCodeAfterOutput(container, outputEnded).then((code) => code ?? waited) : waited;
  return Promise.race([waited, early]);
}

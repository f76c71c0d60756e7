/**
 * The training phase of a local job: every host's container started together, its output
 * followed, Pipe-mode channels fed, and each exit handled as it comes (the first failure ends
 * the whole job, as on SageMaker; a host's container is removed as soon as it is done).
 */
import { exitCodeOf, startContainer } from '../container-io.js';
import { downloadOutputs } from '../engine/remote-files.js';
import { explainStartFailure } from '../start-failure.js';
import { hostFailure } from './failure.js';
import { type HostRun, removeContainer } from './host-run.js';
import { createHosts } from './hosts.js';
import type { RunState } from './state.js';

/** SIGTERM or SIGKILL to every container still running. */
export async function signalAll(hosts: HostRun[], signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  await Promise.all(
    hosts.map(async (host) => {
      if (!host.container || host.exitCode !== undefined) return;
      await host.container.kill(signal).catch(() => undefined);
    }),
  );
}

/** Marks the training as started: status, the maxRun timer, checkpoint uploads. */
function beginTraining(state: RunState): void {
  state.record.update({ TrainingStartTime: new Date() });
  state.record.setStatus('Training', 'Training image download completed. Training in progress.');
  const maxRun = state.request.StoppingCondition?.MaxRuntimeInSeconds;
  if (maxRun) state.maxRunTimer = setTimeout(() => void state.stop('MaxRuntimeExceeded'), maxRun * 1000);
  state.checkpoints?.start();
}

/**
 * Starts every host and returns when each one's output ends. Podman: attached before they
 * start, as `podman run` does (its followed logs end up to a second after the exit). Docker:
 * followed logs, which keep stdout and stderr in order.
 */
async function startHosts(state: RunState, attachFirst: Promise<boolean>): Promise<Promise<void>[]> {
  const { hosts, logs } = state;
  const early = (await attachFirst) ? await Promise.all(hosts.map((host) => logs.attach(host, 'attach'))) : undefined;
  // All hosts start together, as SageMaker's instances do (their names already resolve).
  await Promise.all(hosts.map((host) => startContainer(host.container!))).catch(async (error: unknown) => {
    // Nothing ran, so there is nothing to package (no "Uploading", no empty model.tar.gz).
    state.record.update({ TrainingStartTime: undefined });
    throw await explainStartFailure(error, hosts[0]!.container!);
  });
  return (early ?? (await Promise.all(hosts.map((host) => logs.attach(host, 'logs'))))).map((a) => a.finished);
}

/** Feeds each host's Pipe-mode channels until its container exits (its controller is aborted). */
function feedPipes(state: RunState, controllers: AbortController[]): Promise<void>[] {
  const { staged } = state;
  if (!staged) return [];
  return state.hosts.map((host, index) =>
    staged.feedPipes(index, controllers[index]!.signal).catch((error: unknown) => {
      state.events.warnOnce(`Pipe-mode feed of ${host.name} failed: ${(error as Error).message}`);
    }),
  );
}

/** A remote engine's host: model, output (failure file included) and checkpoints copied back. */
async function collectRemote(state: RunState, host: HostRun): Promise<void> {
  try {
    await downloadOutputs(host.container!, host.dir, state.request.CheckpointConfig?.LocalPath);
  } catch (error) {
    state.events.warnOnce(`could not copy ${host.name}'s results back from the engine: ${(error as Error).message}`);
  }
}

/** One host's exit: the first failure ends the job; the output drains, results come back, the container goes. */
async function settleHost(state: RunState, host: HostRun, output: Promise<void>, pipe: AbortController): Promise<void> {
  host.exitCode = await exitCodeOf(host.container!, output);
  pipe.abort();
  const firstFailure = host.exitCode !== 0 && !state.stopReason && !state.failureReason && !state.failedHost;
  if (firstFailure) {
    state.failedHost = host.name;
    // SageMaker ends the whole job when one host fails.
    await state.termination.terminate();
  }
  // The engine may report the exit before the last lines reached us: the reason quotes them.
  await state.logs.drain(host, output);
  if (!state.engine.local) await collectRemote(state, host);
  await state.logs.recover(host);
  if (firstFailure) state.failureReason ??= await hostFailure(host);
  // Removed while the other hosts still run: the engine's slow part overlaps with theirs.
  host.removal = removeContainer(host.container!);
}

/** Creates the hosts, runs them to their ends and records when training ended. */
export async function runContainers(state: RunState): Promise<void> {
  const attachFirst = state.engine.isLibpod(); // asked now, answered while the containers are created
  await createHosts(state, attachFirst);
  if (state.stopReason) return;
  beginTraining(state);
  const controllers = state.hosts.map(() => new AbortController());
  const outputs = await startHosts(state, attachFirst);
  const pipes = feedPipes(state, controllers);
  await Promise.all(state.hosts.map((host, index) => settleHost(state, host, outputs[index]!, controllers[index]!)));
  state.record.update({ TrainingEndTime: new Date() });
  await Promise.all(pipes);
}

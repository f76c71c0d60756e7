/** The clean-up phase of a local job: containers, file ownership, network, staging and input copies. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { handBackOwnership } from '../ownership.js';
import { removeContainer } from './host-run.js';
import type { RunState } from './state.js';

/** Removes what the job created on the engine and the disk; configs, model and output stay in the record. */
export async function cleanUp(state: RunState): Promise<void> {
  const { hosts, engine, paths } = state;
  await Promise.all(hosts.map((host) => host.removal ?? (host.container && removeContainer(host.container))));
  if (engine.local && hosts.some((h) => h.container)) {
    await handBackOwnership({
      containers: engine.containers,
      image: state.request.AlgorithmSpecification!.TrainingImage!,
      dirs: hosts.map((h) => h.dir),
      jobName: state.name,
      events: state.events,
    });
  }
  await state.network?.remove().catch(() => undefined);
  await state.staged?.cleanup().catch(() => undefined);
  await rm(paths.work, { recursive: true, force: true });
  // Input data copies are not results; configs, model and output stay in the record.
  await Promise.all(hosts.map((host) => rm(path.join(host.dir, 'input', 'data'), { recursive: true, force: true })));
  await rm(paths.stopRequested, { force: true });
}

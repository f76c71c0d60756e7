/** One training host of a local job while it runs: its folder, container, output and exit. */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { clusterHosts } from '../cluster.js';
import type { EngineContainer, OutputStream } from '../engine/types.js';
import type { JobPaths } from '../record.js';

/** What the run knows of one host (`algo-i`). */
export interface HostRun {
  name: string;
  instanceType: string;
  dir: string;
  container?: EngineContainer;
  exitCode?: number;
  lastLines: string[];
  /** The output stream, closed by us if the engine does not end it when the container exits. */
  output?: OutputStream;
  /** The container's removal, started as soon as it exited and its output drained. */
  removal?: Promise<void>;
  /** Lines the live stream delivered, and the file of the complete log when the stream had gaps (log-recovery.ts). */
  received: number;
  complete?: string;
  /** When its output last moved (or was held back by us), so only a silent stream is closed. */
  lastOutput?: number;
}

/** The hosts of a job, in order, each with its folder in the job record. */
export function planHosts(request: CreateTrainingJobRequest, paths: JobPaths): HostRun[] {
  return clusterHosts(request).map(({ name, instanceType }) => ({ name, instanceType, dir: paths.host(name), lastLines: [], received: 0 }));
}

/** Removes a container and its anonymous volumes; one already gone is fine. */
export function removeContainer(container: EngineContainer): Promise<void> {
  return container.remove({ volumes: true }).then(
    () => undefined,
    () => undefined,
  );
}

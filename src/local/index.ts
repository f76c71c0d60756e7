/**
 * The local backend: runs a CreateTrainingJob request in the same container on this machine,
 * through Docker or Podman, under SageMaker's container contract.
 */
import type { StartContext } from '../backend.js';
import { NotFoundError } from '../errors.js';
import { jobSummary, type JobSummary, type TrainingJob } from '../job.js';
import { describeRecorded, LocalJobHandle, requestStop } from './handle.js';
import { cleanupLeftovers as removeLeftovers } from './leftovers.js';
import { createLimiter, mapLimited } from '../util/concurrency.js';
import { JobPaths, listJobNames, resolveStateDir } from './record.js';

/** Where to find local job records. */
export interface LocalStoreOptions {
  stateDir?: string;
  engineHost?: string;
}

/** Starts a local job and returns its handle at once; the job runs in this process. */
export async function startLocalJob(context: StartContext): Promise<TrainingJob> {
  // The job runner (engine client, data staging, packaging) loads only for a job that runs.
  const { LocalRun } = await import('./run.js');
  const run = await LocalRun.start(context);
  return new LocalJobHandle(run.paths, context.events, run, context.local?.engineHost);
}

/** The handle of a recorded local job (NotFoundError when there is none). */
export async function openLocalJob(name: string, options: LocalStoreOptions = {}): Promise<TrainingJob> {
  const paths = new JobPaths(resolveStateDir(options.stateDir), name);
  await describeRecorded(paths);
  return new LocalJobHandle(paths, undefined, undefined, options.engineHost);
}

/** Records read at once by {@link listLocalJobs}: enough to overlap the reads, few enough for any fd limit. */
const LIST_READS = 32;

/** The summary of one recorded job; undefined for a foreign directory (reported through `onSkipped` when damaged). */
async function summarize(stateDir: string, name: string, onSkipped?: (name: string, error: Error) => void): Promise<JobSummary | undefined> {
  try {
    const doc = await describeRecorded(new JobPaths(stateDir, name));
    return jobSummary('local', { ...doc, TrainingJobName: name });
  } catch (error) {
    // A damaged record must not hide the others; the caller may say which one was skipped.
    if (!(error instanceof NotFoundError)) onSkipped?.(name, error as Error);
    return undefined;
  }
}

/** Every recorded local job, newest first (records read in parallel). */
export async function listLocalJobs(options: LocalStoreOptions & { onSkipped?: (name: string, error: Error) => void } = {}): Promise<JobSummary[]> {
  const stateDir = resolveStateDir(options.stateDir);
  const jobs = await mapLimited(await listJobNames(stateDir), createLimiter(LIST_READS), (name) => summarize(stateDir, name, options.onSkipped));
  return jobs.filter((job) => job !== undefined).sort((a, b) => b.creationTime - a.creationTime);
}

/** Stops a local job run by any process on this machine. */
export async function stopLocalJob(name: string, options: LocalStoreOptions = {}): Promise<void> {
  await requestStop(new JobPaths(resolveStateDir(options.stateDir), name), options.engineHost);
}

/** Removes containers and networks left by sagekit processes that no longer exist. */
export async function cleanupLeftovers(options: { engineHost?: string } = {}): Promise<number> {
  const { connectEngine } = await import('./engine/connect.js');
  const engine = await connectEngine(options.engineHost);
  return removeLeftovers(engine);
}

/**
 * Recent jobs of both backends, as {@link JobSummary} rows: what `sagekit list` shows and
 * `listJobs()` returns. Like `attach.ts`, apart from the estimator, so listing local jobs loads
 * neither the validator nor the AWS SDK.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Session } from '../aws/session.js';
import type { JobSummary } from '../job.js';

/** Options of {@link listJobs}. */
export interface ListJobsOptions {
  /** `local`, `aws` or `all` (default: `all` when AWS is configured on this machine, else `local`). */
  backend?: 'local' | 'aws' | 'all';
  /** Only jobs with this status (`InProgress`, `Completed`, `Failed`, `Stopping`, `Stopped`). */
  status?: string;
  /** At most this many jobs per backend (default 20). */
  maxResults?: number;
  /** Where local job records live (default: the local backend's state directory). */
  stateDir?: string;
  /** SageMaker session (default: one for `region` from the AWS configuration chain). */
  session?: Session;
  region?: string;
  /** Called for a local record that could not be read (it is left out, the others are listed). */
  onSkipped?: (name: string, error: Error) => void;
  /** With `backend: 'all'`: called when SageMaker could not be asked (its jobs are left out); otherwise that error is thrown. */
  onAwsUnavailable?: (error: Error) => void;
}

/** True when this machine has some AWS configuration, so listing SageMaker jobs is worth a try. */
export function awsConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_REGION || env.AWS_DEFAULT_REGION || env.AWS_PROFILE || existsSync(env.AWS_CONFIG_FILE ?? path.join(homedir(), '.aws', 'config')));
}

async function localJobs(options: ListJobsOptions, max: number): Promise<JobSummary[]> {
  const { listLocalJobs } = await import('../local/index.js');
  const jobs = await listLocalJobs({ ...(options.stateDir && { stateDir: options.stateDir }), ...(options.onSkipped && { onSkipped: options.onSkipped }) });
  return jobs.filter((job) => !options.status || job.status === options.status).slice(0, max);
}

async function awsJobs(options: ListJobsOptions, max: number): Promise<JobSummary[]> {
  const [{ Session }, { listAwsJobs }] = await Promise.all([import('../aws/session.js'), import('../aws/index.js')]);
  const session = options.session ?? new Session(options.region ? { region: options.region } : {});
  return listAwsJobs(session, { ...(options.status && { statusEquals: options.status }), maxResults: max });
}

/** Recent jobs of the chosen backends, newest first; see {@link JobSummary} for the fields (duration included). */
export async function listJobs(options: ListJobsOptions = {}): Promise<JobSummary[]> {
  const backend = options.backend ?? (awsConfigured() ? 'all' : 'local');
  const max = options.maxResults ?? 20;
  const jobs: JobSummary[] = [];
  if (backend !== 'aws') jobs.push(...(await localJobs(options, max)));
  if (backend !== 'local') {
    try {
      jobs.push(...(await awsJobs(options, max)));
    } catch (error) {
      if (backend === 'aws' || !options.onAwsUnavailable) throw error;
      options.onAwsUnavailable(error as Error);
    }
  }
  return jobs.sort((a, b) => b.creationTime - a.creationTime);
}

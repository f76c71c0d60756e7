/**
 * The handle of a started training job, shared by both backends (shape borrowed from
 * `@aws-sdk/lib-storage`'s `Upload`: one object, events, a promise to await, a way to stop).
 */
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { TrainingJobError } from './errors.js';
import type { JobEvents, LogLine } from './events.js';
import type { DeployCall } from './deploy/call.js';
import type { Predictor } from './deploy/predictor.js';

/** Which backend runs a job. */
export type BackendName = 'local' | 'aws';

/** Terminal statuses a job can end in. */
const TERMINAL_STATUSES = ['Completed', 'Failed', 'Stopped'] as const;

/** True when `status` is one a job never leaves. */
export function isTerminalStatus(status: string | undefined): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status ?? '');
}

/** Options of {@link TrainingJob.wait}. */
export interface WaitOptions {
  /**
   * Throw {@link TrainingJobError} when the job ends Failed or Stopped (default `true`).
   * With `false`, `wait()` resolves with the describe document whatever the outcome.
   */
  throwOnFailure?: boolean;
  /** Abort waiting (the job keeps running; call `stop()` to stop it). */
  signal?: AbortSignal;
}

/**
 * What `wait()` ends with on either backend: the document, or — unless the caller opted out —
 * a {@link TrainingJobError} when the job ended other than Completed.
 */
export async function settleWait(
  jobName: string,
  doc: DescribeTrainingJobResponse,
  options: WaitOptions,
  lastLogLines: () => readonly string[] | Promise<readonly string[]>,
): Promise<DescribeTrainingJobResponse> {
  if ((options.throwOnFailure ?? true) && doc.TrainingJobStatus !== 'Completed') {
    throw new TrainingJobError({
      jobName,
      status: doc.TrainingJobStatus ?? 'Failed',
      secondaryStatus: doc.SecondaryStatus,
      failureReason: doc.FailureReason,
      lastLogLines: await lastLogLines(),
    });
  }
  return doc;
}

/** Options of {@link TrainingJob.logs}. */
export interface LogsOptions {
  /** Keep yielding lines until the job ends (default `false`: replay what exists and return). */
  follow?: boolean;
  signal?: AbortSignal;
}

/**
 * A training job that was started (or attached to). `describe()` returns a
 * `DescribeTrainingJobResponse`-shaped document on both backends.
 */
export interface TrainingJob {
  /** The job's name (`TrainingJobName`). */
  readonly name: string;
  /** Where the job runs. */
  readonly backend: BackendName;
  /** Live events: logs, status changes, progress, metrics, warnings. */
  readonly events: JobEvents;
  /** Resolves when the job reaches Completed, Failed or Stopped; see {@link WaitOptions}. */
  wait(options?: WaitOptions): Promise<DescribeTrainingJobResponse>;
  /** The job's current DescribeTrainingJob document. */
  describe(): Promise<DescribeTrainingJobResponse>;
  /** Log lines of every host, in order per host; see {@link LogsOptions}. */
  logs(options?: LogsOptions): AsyncIterable<LogLine>;
  /** Asks the job to stop; resolves once the stop was requested (use `wait()` for the end). */
  stop(): Promise<void>;
  /** URI of `model.tar.gz` once the job produced it (`s3://…` or `file://…`). */
  modelArtifacts(): Promise<string | undefined>;
  /**
   * Deploys the job's model to an endpoint (`instanceType: 'local'` or `ml.*`) and returns its
   * predictor, like the Python SDK's `Estimator.attach(job).deploy()`.
   */
  deploy(options: DeployCall): Promise<Predictor>;
}

/** One row of `sagekit list`: a job of either backend. */
export interface JobSummary {
  name: string;
  backend: BackendName;
  status: string;
  secondaryStatus?: string;
  /** Epoch milliseconds. */
  creationTime: number;
  /** Epoch milliseconds, when training began (absent where the backend's list does not say: SageMaker's). */
  trainingStartTime?: number;
  /** Epoch milliseconds, when the job ended. */
  endTime?: number;
  /**
   * Seconds of training, the same measure on both backends (and in `sagekit train`'s summary):
   * from the training start to the end, or to now while the job runs. Where no start time is
   * known — a job still starting, or SageMaker's ListTrainingJobs summaries, which carry none —
   * the start is the creation time (so the provisioning is counted too). Always set by
   * {@link jobSummary}.
   */
  durationSeconds?: number;
}

/**
 * The fields a {@link JobSummary} is made of: a describe document's (local record) or a
 * SageMaker `ListTrainingJobs` summary's (same names, no start time).
 */
export type JobSummarySource = Pick<
  DescribeTrainingJobResponse,
  'TrainingJobName' | 'TrainingJobStatus' | 'SecondaryStatus' | 'CreationTime' | 'TrainingStartTime' | 'TrainingEndTime'
>;

const epochMs = (date: Date | string | undefined): number | undefined => (date === undefined ? undefined : new Date(date).getTime());

/** The one mapping to a {@link JobSummary}, for both backends (see its `durationSeconds`). */
export function jobSummary(backend: BackendName, source: Partial<JobSummarySource>, now: number = Date.now()): JobSummary {
  const created = epochMs(source.CreationTime) ?? 0;
  const start = epochMs(source.TrainingStartTime);
  const end = epochMs(source.TrainingEndTime);
  return {
    name: source.TrainingJobName ?? '',
    backend,
    status: source.TrainingJobStatus ?? 'Unknown',
    ...(source.SecondaryStatus && { secondaryStatus: source.SecondaryStatus }),
    creationTime: created,
    ...(start !== undefined && { trainingStartTime: start }),
    ...(end !== undefined && { endTime: end }),
    durationSeconds: ((end ?? now) - (start ?? created)) / 1000,
  };
}

/**
 * The TrainingJob handle of a SageMaker job: waits with status transitions as they happen,
 * streams its CloudWatch logs, stops it, reports billable time and spot savings.
 */
import { DescribeTrainingJobCommand, StopTrainingJobCommand, type DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { NotFoundError } from '../errors.js';
import { JobEvents, type LogLine } from '../events.js';
import { isTerminalStatus, settleWait, type LogsOptions, type TrainingJob, type WaitOptions } from '../job.js';
import { credentialsError, isCredentialError } from './errors.js';
import { tailJobLogs, type TailTiming } from './logs.js';
import { sleep, withRetry } from './retry.js';
import type { Session } from './session.js';
import type { DeployCall } from '../deploy/call.js';
import type { Predictor } from '../deploy/predictor.js';
import { keepLast } from '../util/keep-last.js';

/** Timing of a cloud job's polling (defaults suit real jobs; tests shorten them). */
export interface AwsJobTiming extends TailTiming {
  /** Pause between DescribeTrainingJob calls while waiting (default 5 s). */
  describeIntervalMs?: number;
}

/** `wait()` options of a cloud job. */
export interface AwsWaitOptions extends WaitOptions {
  /** Stream the job's logs as `log` events while waiting (default true). */
  logs?: boolean;
}

/** Spot savings of a finished job: `1 - billable / training` (undefined for on-demand jobs). */
export function spotSavings(describe: DescribeTrainingJobResponse): number | undefined {
  const billable = describe.BillableTimeInSeconds;
  const training = describe.TrainingTimeInSeconds;
  if (!describe.EnableManagedSpotTraining || billable === undefined || !training) return undefined;
  return 1 - billable / training;
}

/** Handle of a SageMaker training job. */
export class AwsTrainingJob implements TrainingJob {
  readonly backend = 'aws' as const;
  private readonly lastLines: string[] = [];
  private seenTransitions = 0;
  private lastStatus = '';

  constructor(
    readonly name: string,
    private readonly session: Session,
    readonly events: JobEvents = new JobEvents(),
    private readonly timing: AwsJobTiming = {},
  ) {}

  async describe(): Promise<DescribeTrainingJobResponse> {
    try {
      return await withRetry(() => this.session.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: this.name })), {
        ...(this.timing.retryBaseMs !== undefined && { baseDelayMs: this.timing.retryBaseMs }),
      });
    } catch (error) {
      if (isCredentialError(error)) throw credentialsError(error);
      if ((error as Error).name === 'ValidationException' && /not found|does not exist/i.test((error as Error).message)) {
        throw new NotFoundError(`no SageMaker training job named ${this.name}`, 'list jobs with: sagekit list --backend aws');
      }
      throw error;
    }
  }

  /** Emits a `status` event for every status or transition not reported yet. */
  private report(doc: DescribeTrainingJobResponse): void {
    const transitions = doc.SecondaryStatusTransitions ?? [];
    for (const t of transitions.slice(this.seenTransitions)) {
      this.events.emit('status', {
        status: doc.TrainingJobStatus ?? 'InProgress',
        secondaryStatus: t.Status ?? '',
        ...(t.StatusMessage && { message: t.StatusMessage }),
        timestamp: t.StartTime ? new Date(t.StartTime).getTime() : Date.now(),
      });
    }
    this.seenTransitions = Math.max(this.seenTransitions, transitions.length);
    const status = `${doc.TrainingJobStatus}/${doc.SecondaryStatus}`;
    if (status !== this.lastStatus && !transitions.length) {
      this.events.emit('status', { status: doc.TrainingJobStatus ?? '', secondaryStatus: doc.SecondaryStatus ?? '', timestamp: Date.now() });
    }
    this.lastStatus = status;
  }

  async wait(options: AwsWaitOptions = {}): Promise<DescribeTrainingJobResponse> {
    const interval = this.timing.describeIntervalMs ?? 5000;
    let doc = await this.describe();
    this.report(doc);
    let ended = isTerminalStatus(doc.TrainingJobStatus);
    const tail =
      options.logs === false
        ? Promise.resolve()
        : (async () => {
            for await (const line of this.logs({ follow: true, ...(options.signal && { signal: options.signal }), endedCheck: async () => ended })) {
              this.remember(line);
              this.events.emit('log', line);
            }
          })();
    try {
      while (!ended) {
        if (options.signal?.aborted) throw options.signal.reason as Error;
        await sleep(interval, options.signal);
        if (options.signal?.aborted) throw options.signal.reason as Error;
        doc = await this.describe();
        this.report(doc);
        ended = isTerminalStatus(doc.TrainingJobStatus);
      }
      await tail;
    } catch (error) {
      await tail.catch(() => undefined);
      throw error;
    }
    this.summarize(doc);
    return settleWait(this.name, doc, options, () => [...this.lastLines]);
  }

  private remember(line: LogLine): void {
    keepLast(this.lastLines, line.message);
  }

  private summarize(doc: DescribeTrainingJobResponse): void {
    if (doc.BillableTimeInSeconds === undefined) return;
    const savings = spotSavings(doc);
    this.events.emit(
      'info',
      `billable seconds: ${doc.BillableTimeInSeconds}${savings === undefined ? '' : `; managed spot training savings: ${(savings * 100).toFixed(1)}%`}`,
    );
  }

  logs(options: LogsOptions & { endedCheck?: () => Promise<boolean> } = {}): AsyncIterable<LogLine> {
    const isEnded = options.follow ? (options.endedCheck ?? (async () => isTerminalStatus((await this.describe()).TrainingJobStatus))) : undefined;
    return tailJobLogs(this.session.logs(), this.name, {
      ...(isEnded && { isEnded }),
      ...(options.signal && { signal: options.signal }),
      timing: this.timing,
    });
  }

  async stop(): Promise<void> {
    await this.session.sagemaker().send(new StopTrainingJobCommand({ TrainingJobName: this.name }));
  }

  async modelArtifacts(): Promise<string | undefined> {
    return (await this.describe()).ModelArtifacts?.S3ModelArtifacts;
  }

  async deploy(options: DeployCall): Promise<Predictor> {
    const { deployTrainingJob } = await import('../deploy/deploy.js');
    return deployTrainingJob(this, { session: this.session, ...options });
  }
}

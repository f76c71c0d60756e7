/**
 * The status and record of a local job: the describe document, its status transitions (also
 * emitted as events), its queued writes to the record, and the final outcome.
 */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse, SecondaryStatus, TrainingJobStatus } from '@aws-sdk/client-sagemaker';
import type { JobEvents } from '../../events.js';
import { isTerminalStatus } from '../../job.js';
import { type JobPaths, writeDescribe } from '../record.js';
import { initialDescribe, transition } from '../status.js';

/** SageMaker caps FailureReason at 1024 characters. */
export const FAILURE_REASON_MAX = 1024;

export type StopReason = 'Stopped' | 'MaxRuntimeExceeded';

/** How a job ended, as its last transition says it. */
export interface Outcome {
  status: 'Completed' | 'Failed' | 'Stopped';
  secondary: SecondaryStatus;
  message: string;
  failureReason?: string;
}

/** The final status: a stop wins over a failure, a failure over completion (pure). */
export function outcomeOf(stopReason: StopReason | undefined, failureReason: string | undefined): Outcome {
  if (stopReason) {
    const message = stopReason === 'MaxRuntimeExceeded' ? 'Training job stopped: it exceeded its maximum runtime' : 'Training job stopped';
    return { status: 'Stopped', secondary: stopReason, message };
  }
  if (failureReason) {
    return { status: 'Failed', secondary: 'Failed', message: `Training job failed. Reason: ${failureReason}`.slice(0, FAILURE_REASON_MAX), failureReason };
  }
  return { status: 'Completed', secondary: 'Completed', message: 'Training job completed' };
}

/** Whole seconds between the training's start and end (0 when it never started; pure). */
export function trainingSeconds(start: Date | undefined, end: Date): number {
  return start ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)) : 0;
}

/** The describe document of a job owned by this process, and its record on disk. */
export class JobRecord {
  private doc: DescribeTrainingJobResponse;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly paths: JobPaths,
    private readonly events: JobEvents,
    request: CreateTrainingJobRequest,
    region: string | undefined,
    accountId?: string,
  ) {
    this.doc = initialDescribe(request, region, new Date(), accountId);
  }

  /** A copy of the current describe document. */
  snapshot(): DescribeTrainingJobResponse {
    return structuredClone(this.doc);
  }

  get trainingStart(): Date | undefined {
    return this.doc.TrainingStartTime;
  }

  get trainingEnd(): Date | undefined {
    return this.doc.TrainingEndTime;
  }

  isEnded(): boolean {
    return isTerminalStatus(this.doc.TrainingJobStatus);
  }

  /** Sets fields of the document (written with the next status or {@link persist}). */
  update(fields: Partial<DescribeTrainingJobResponse>): void {
    this.doc = { ...this.doc, ...fields };
  }

  /** Records a status transition, tells the listeners and writes the record. */
  setStatus(secondary: SecondaryStatus, message: string, status?: TrainingJobStatus): void {
    const now = new Date();
    this.doc = transition(this.doc, secondary, message, now, status);
    this.events.emit('status', { status: this.doc.TrainingJobStatus!, secondaryStatus: secondary, message, timestamp: now.getTime() });
    void this.persist();
  }

  /** Writes the describe document; writes are queued so an older state never overwrites a newer one. */
  persist(): Promise<void> {
    const doc = this.snapshot();
    this.queue = this.queue
      .then(() => writeDescribe(this.paths, doc))
      .catch((error: unknown) => {
        this.events.warnOnce(`could not save the job record: ${(error as Error).message}`);
      });
    return this.queue;
  }

  /** Records the outcome (with the times and final metrics) and writes the record. */
  async finish(outcome: Outcome, fields: Partial<DescribeTrainingJobResponse>): Promise<void> {
    this.update(fields);
    if (outcome.failureReason) this.update({ FailureReason: outcome.failureReason });
    this.setStatus(outcome.secondary, outcome.message, outcome.status);
    await this.persist();
  }
}

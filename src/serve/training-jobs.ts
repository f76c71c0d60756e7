/**
 * The SageMaker operations of serve: CreateTrainingJob runs the request on the local backend
 * (any ml.* instance type, InstanceCount hosts), Describe/List read the job records (so jobs of
 * `sagekit train` on this machine show up, and jobs survive a restart of serve), Stop stops a
 * job whichever process runs it.
 */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { NotFoundError, ValidationError } from '../errors.js';
import { JobEvents } from '../events.js';
import { isTerminalStatus, type TrainingJob } from '../job.js';
import { JOB_NAME_PATTERN } from '../estimator/rule-basics.js';
import { describeRecorded } from '../local/handle.js';
import { JobPaths, listJobNames, readDescribe } from '../local/record.js';
import { localJobArn } from '../local/status.js';
import { AwsServiceError, constraintMessage, RESOURCE_NOT_FOUND_MESSAGE, validationException } from './aws-error.js';
import { listTrainingJobs } from './list-jobs.js';
import { validateCreateRequest } from './request-options.js';
import type { RequestScope } from './server.js';
import { toWire } from './wire.js';

/** Settings of the training-job operations. */
export interface TrainingJobServiceOptions {
  /** Where job records live. */
  stateDir: string;
  engineHost?: string;
  /** Seconds between SIGTERM and SIGKILL when a job is stopped (default: the local backend's 120). */
  stopGracePeriodSeconds?: number;
  /** One line for the operator (job started, ended, warnings). */
  log(line: string): void;
}

type Input = Record<string, unknown>;

/** CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs and StopTrainingJob. */
export class TrainingJobService {
  private readonly running = new Map<string, TrainingJob>();
  private readonly creating = new Set<string>();

  constructor(private readonly options: TrainingJobServiceOptions) {}

  private paths(name: string): JobPaths {
    return new JobPaths(this.options.stateDir, name);
  }

  /** The operations by name, as `X-Amz-Target: SageMaker.<name>` selects them. */
  operations(): Record<string, (input: Input, scope: RequestScope) => Promise<unknown>> {
    return {
      CreateTrainingJob: (input, scope) => this.create(input, scope),
      DescribeTrainingJob: (input) => this.describe(input),
      ListTrainingJobs: (input, scope) => this.list(input, scope),
      StopTrainingJob: (input) => this.stop(input),
    };
  }

  async create(input: Input, scope: RequestScope): Promise<{ TrainingJobArn: string }> {
    const request = validateCreateRequest(input);
    const name = request.TrainingJobName!;
    if (this.creating.has(name) || (await readDescribe(this.paths(name)))) {
      throw new AwsServiceError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${localJobArn(name, scope.region, scope.accountId)})`,
      );
    }
    this.creating.add(name);
    try {
      const job = await this.start(request, scope);
      return { TrainingJobArn: (await job.describe()).TrainingJobArn! };
    } catch (error) {
      if (error instanceof ValidationError) throw validationException(constraintMessage(error.issues));
      throw error;
    } finally {
      this.creating.delete(name);
    }
  }

  private async start(request: CreateTrainingJobRequest, scope: RequestScope): Promise<TrainingJob> {
    const { log, stateDir, engineHost, stopGracePeriodSeconds } = this.options;
    const name = request.TrainingJobName!;
    const events = new JobEvents();
    events.on('warning', (message) => log(`${name}: warning: ${message}`));
    events.on('status', (change) => log(`${name}: ${change.status} / ${change.secondaryStatus}`));
    const { startLocalJob } = await import('../local/index.js');
    const job = await startLocalJob({
      request,
      events,
      region: scope.region,
      accountId: scope.accountId,
      local: { stateDir, ...(engineHost && { engineHost }), ...(stopGracePeriodSeconds !== undefined && { stopGracePeriodSeconds }) },
    });
    this.running.set(name, job);
    void job
      .wait({ throwOnFailure: false })
      .then((doc) => log(`${name}: ended ${doc.TrainingJobStatus}${doc.FailureReason ? ` (${doc.FailureReason})` : ''}`))
      .catch((error: unknown) => log(`${name}: ${(error as Error).message}`))
      .finally(() => this.running.delete(name));
    return job;
  }

  /** The current document of a job; ValidationException "Requested resource not found." as SageMaker answers. */
  private async document(input: Input): Promise<DescribeTrainingJobResponse> {
    const name = input.TrainingJobName;
    if (typeof name !== 'string')
      throw validationException("1 validation error detected: Value null at 'trainingJobName' failed to satisfy constraint: Member must not be null");
    // Also keeps names like ../x from reaching the file system.
    if (!JOB_NAME_PATTERN.test(name)) {
      throw validationException(
        `1 validation error detected: Value '${name}' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${JOB_NAME_PATTERN.source}`,
      );
    }
    const job = this.running.get(name);
    if (job) return job.describe();
    try {
      return await describeRecorded(this.paths(name));
    } catch (error) {
      if (error instanceof NotFoundError) throw validationException(RESOURCE_NOT_FOUND_MESSAGE);
      throw error;
    }
  }

  async describe(input: Input): Promise<unknown> {
    return toWire(await this.document(input));
  }

  async list(input: Input, scope: RequestScope): Promise<unknown> {
    const docs: DescribeTrainingJobResponse[] = [];
    for (const name of await listJobNames(this.options.stateDir)) {
      const doc = await describeRecorded(this.paths(name)).catch(() => undefined);
      if (doc?.TrainingJobName && doc.CreationTime)
        docs.push({ ...doc, TrainingJobArn: doc.TrainingJobArn ?? localJobArn(name, scope.region, scope.accountId) });
    }
    return toWire(listTrainingJobs(docs, input));
  }

  async stop(input: Input): Promise<unknown> {
    const doc = await this.document(input).catch((error: unknown) => {
      if (error instanceof AwsServiceError && error.message === RESOURCE_NOT_FOUND_MESSAGE) {
        throw new AwsServiceError('ResourceNotFound', RESOURCE_NOT_FOUND_MESSAGE);
      }
      throw error;
    });
    const name = doc.TrainingJobName!;
    // A second stop of a stopping local job would kill it at once; SageMaker refuses it instead.
    if (isTerminalStatus(doc.TrainingJobStatus) || doc.TrainingJobStatus === 'Stopping') {
      throw validationException(`The request was rejected because the training job is in status ${doc.TrainingJobStatus}.`);
    }
    const job = this.running.get(name);
    if (job) await job.stop();
    else {
      const { stopLocalJob } = await import('../local/index.js');
      await stopLocalJob(name, { stateDir: this.options.stateDir, ...(this.options.engineHost && { engineHost: this.options.engineHost }) });
    }
    return {};
  }

  /** Stops every job this process runs and waits for them to end (artifacts are still saved). */
  async shutdown(): Promise<void> {
    const jobs = [...this.running.values()];
    await Promise.all(jobs.map((job) => job.stop().catch(() => undefined)));
    await Promise.all(jobs.map((job) => job.wait({ throwOnFailure: false }).catch(() => undefined)));
  }

  /** Names of the jobs this process runs now. */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }
}

/**
 * `Estimator`: the SDK's front door, shaped like the Python SDK's `sagemaker.estimator.Estimator`.
 * It validates the job when constructed, builds the request (pure) and hands it to the local or
 * the aws backend, depending on `instanceType`.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { Session } from '../aws/session.js';
import type { LocalRunSettings } from '../backend.js';
import { splitDeployCall, type DeployCall } from '../deploy/call.js';
import type { Predictor } from '../deploy/predictor.js';
import { UsageError } from '../errors.js';
import { JobEvents } from '../events.js';
import { printJobEvents } from './print-logs.js';
import type { Inputs } from '../inputs/types.js';
import type { TrainingJob } from '../job.js';
import { attachJob, type AttachOptions } from './attach.js';
import { loadBackend } from './backends.js';
import { isLocalJob } from './local-job.js';
import type { EstimatorOptions } from './options.js';
import { buildTrainingRequest, type BuildOptions, type BuiltRequest } from './request.js';
import { validateOptions } from './validate.js';

/** Options of the {@link Estimator} constructor: the job, plus an optional AWS session. */
export interface EstimatorInit extends EstimatorOptions {
  /** Session to use for AWS calls (like `sagemaker_session`); default: one from the AWS config chain. */
  session?: Session;
}

/** Options of {@link Estimator.fit}. */
export interface FitOptions {
  /** Fixed job name (like `fit(job_name=…)`). */
  jobName?: string;
  /** Wait for the job to end (default `true`); `false` returns the running job's handle at once. */
  wait?: boolean;
  /** Throw `TrainingJobError` when a waited-for job ends Failed or Stopped (default `true`). */
  throwOnFailure?: boolean;
  /** Receives the job's events (logs, status, progress, warnings) from the very start, uploads included. */
  events?: JobEvents;
  /** Local-backend settings, merged over the job's `local` option. */
  local?: LocalRunSettings;
  /** Directory that relative local paths are resolved against (default: the current directory). */
  cwd?: string;
  /** Abort waiting (the job keeps running; call `stop()`). */
  signal?: AbortSignal;
  /**
   * Print the job's log lines (stdout) and status changes (stderr) while waiting, as the Python
   * SDK's `fit()` does. Default: `true` when waiting without your own `events`, else `false`.
   */
  logs?: boolean;
}

/**
 * A training job definition that can run on Amazon SageMaker or, with `instanceType: 'local'`,
 * on this machine.
 *
 * @example
 * ```ts
 * const estimator = new Estimator({ imageUri: 'my-algo:latest', instanceType: 'local', outputPath: './out' });
 * const job = await estimator.fit({ train: './data/train' });
 * console.log((await job.describe()).ModelArtifacts?.S3ModelArtifacts);
 * ```
 */
export class Estimator {
  /** The validated options. */
  readonly options: Readonly<EstimatorOptions>;
  private readonly session: Session | undefined;
  /** The job started by the last `fit()`, like the Python SDK's `latest_training_job`. */
  latestTrainingJob: TrainingJob | undefined;

  /** Validates the job; throws `ValidationError` listing every problem. */
  constructor(init: EstimatorInit) {
    const { session, ...options } = init;
    this.options = validateOptions(options);
    this.session = session;
  }

  /** True when this job runs on this machine. */
  get isLocal(): boolean {
    return isLocalJob(this.options);
  }

  /**
   * The CreateTrainingJob request of this job: a pure function of the options, `inputs` and
   * `build` (no network). Throws `ValidationError` when something is missing, e.g. the default
   * bucket for a job without `outputPath`.
   */
  trainingRequest(inputs: Inputs | undefined = this.options.inputs, build: BuildOptions = {}): CreateTrainingJobRequest {
    return this.buildRequest(inputs, build).request;
  }

  /** Like {@link trainingRequest}, plus the builder's warnings. */
  buildRequest(inputs: Inputs | undefined = this.options.inputs, build: BuildOptions = {}): BuiltRequest {
    return buildTrainingRequest(this.options, inputs, build);
  }

  /**
   * Starts a training job on `inputs` (default: the `inputs` option) and, unless
   * `wait: false`, waits for it. Returns the job's handle.
   */
  async fit(inputs: Inputs | undefined = this.options.inputs, options: FitOptions = {}): Promise<TrainingJob> {
    const events = options.events ?? new JobEvents();
    const wait = options.wait ?? true;
    const stopPrinting = (options.logs ?? (wait && !options.events)) ? printJobEvents(events, this.hostCount()) : undefined;
    try {
      return await this.startAndWait(inputs, options, events, wait);
    } finally {
      stopPrinting?.();
    }
  }

  /** Hosts of the job (the sum over instance groups), for host prefixes. */
  private hostCount(): number {
    const groups = this.options.instanceGroups;
    return groups ? groups.reduce((sum, g) => sum + (g.instanceCount ?? 0), 0) : (this.options.instanceCount ?? 1);
  }

  private async startAndWait(inputs: Inputs | undefined, options: FitOptions, events: JobEvents, wait: boolean): Promise<TrainingJob> {
    const job = this.isLocal ? await this.startLocal(inputs, options, events) : await this.startOnAws(inputs, options, events);
    this.latestTrainingJob = job;
    if (wait) {
      await job.wait({ throwOnFailure: options.throwOnFailure ?? true, ...(options.signal && { signal: options.signal }) });
    }
    return job;
  }

  private async startLocal(inputs: Inputs | undefined, options: FitOptions, events: JobEvents): Promise<TrainingJob> {
    const build = { ...(options.jobName && { jobName: options.jobName }), ...(options.cwd && { cwd: options.cwd }) };
    const { request, warnings, code } = this.buildRequest(inputs, build);
    for (const warning of warnings) events.warnOnce(warning);
    const startLocalJob = await loadBackend('local');
    return startLocalJob({
      request,
      events,
      ...(code && { code }),
      ...(this.options.region && { region: this.options.region }),
      local: { ...this.options.local, ...options.local },
    });
  }

  private async startOnAws(inputs: Inputs | undefined, options: FitOptions, events: JobEvents): Promise<TrainingJob> {
    const [{ prepareAwsJob }, startAwsJob] = await Promise.all([import('../aws/prepare.js'), loadBackend('aws')]);
    const { session, region, role, defaultBucket, jobName } = await prepareAwsJob(
      {
        role: this.options.role!,
        ...(this.options.region && { region: this.options.region }),
        ...(this.options.defaultBucket && { defaultBucket: this.options.defaultBucket }),
        ...(this.options.outputPath !== undefined && { outputPath: this.options.outputPath }),
        ...(this.session && { session: this.session }),
      },
      (target) =>
        this.buildRequest(inputs, { ...(options.jobName && { jobName: options.jobName }), ...(options.cwd && { cwd: options.cwd }), ...target }).request,
    );
    const { request, warnings, code } = buildTrainingRequest({ ...this.options, role }, inputs, {
      jobName,
      region,
      ...(defaultBucket && { defaultBucket }),
      ...(options.cwd && { cwd: options.cwd }),
    });
    for (const warning of warnings) events.warnOnce(warning);
    return startAwsJob({ request, events, region, session, ...(code && { code }) });
  }

  /**
   * Deploys the model of the last `fit()` to an endpoint — `instanceType: 'local'` on this
   * machine, `ml.*` on SageMaker — and returns its {@link Predictor} once in service, like the
   * Python SDK's `Estimator.deploy()`. Options default to the job's `deploy` option; names are
   * generated from `baseJobName` or the training image, role, VPC and network isolation come
   * from the estimator.
   */
  async deploy(call: DeployCall = {}): Promise<Predictor> {
    const job = this.latestTrainingJob;
    if (!job) {
      throw new UsageError(
        'this estimator has not trained a model yet: call fit() first',
        'to deploy an earlier job: (await Estimator.attach(name)).deploy({ … })',
      );
    }
    const [{ deployModel }, { modelSourceFromDescribe, modelSourceFromOptions }] = await Promise.all([
      import('../deploy/deploy.js'),
      import('../deploy/source.js'),
    ]);
    const trained = modelSourceFromDescribe(await job.describe());
    // Only names, VPC and isolation are taken from the options: model data and role are the job's own.
    const fromOptions = modelSourceFromOptions(this.options, { jobName: job.name, defaultBucket: this.options.defaultBucket ?? 'sagekit-unused' });
    const { options, settings } = splitDeployCall(call);
    const local = {
      ...(this.options.local?.stateDir && { stateDir: this.options.local.stateDir }),
      ...(this.options.local?.engineHost && { engineHost: this.options.local.engineHost }),
      ...(this.options.local?.pull && { pull: this.options.local.pull }),
      ...settings.local,
    };
    return deployModel(
      { ...fromOptions, modelDataUrl: trained.modelDataUrl, ...(trained.role && { role: trained.role }) },
      { ...this.options.deploy, ...options },
      {
        ...(this.session && { session: this.session }),
        ...(this.options.region && { region: this.options.region }),
        ...settings,
        local,
      },
    );
  }

  /**
   * The handle of an existing job (local record first, then SageMaker), like the Python SDK's
   * `Estimator.attach`. Non-blocking.
   */
  static attach(jobName: string, options: AttachOptions = {}): Promise<TrainingJob> {
    return attachJob(jobName, options);
  }
}

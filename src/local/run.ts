/**
 * One local training job from start to end: image, data, containers `algo-1..N` on a private
 * network (one host: the engine's default bridge), live logs and metrics, `maxRun`, stop,
 * artifacts, checkpoints, clean-up — and the job record kept up to date all along. The job runs
 * in this process's event loop; `done` resolves with the final describe document whatever the
 * outcome. Each phase is a module of `run/`; this class orders them and answers the handle
 * (snapshot, last lines, stop).
 */
import { writeFile } from 'node:fs/promises';
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import type { LocalRunSettings, StartContext } from '../backend.js';
import type { JobEvents } from '../events.js';
import { createS3Client } from '../s3/client.js';
import { claimJobName } from './claim.js';
import { clusterHosts } from './cluster.js';
import { connectEngine } from './engine/connect.js';
import type { EngineKind } from './engine/info.js';
import type { Engine } from './engine/types.js';
import { cleanupLeftovers } from './leftovers.js';
import { createMetricParser, finalMetrics, type MetricParser } from './metrics.js';
import { preflightLocalJob } from './preflight.js';
import { JobPaths, readDescribe, resolveStateDir } from './record.js';
import { collectArtifacts } from './run/artifacts.js';
import { cleanUp } from './run/cleanup.js';
import { explainNotRunnable, failureText } from './run/failure.js';
import { planHosts } from './run/host-run.js';
import { JobLogs } from './run/logs.js';
import { prepareData, prepareImage } from './run/prepare.js';
import type { RunState } from './run/state.js';
import { JobRecord, outcomeOf, type StopReason, trainingSeconds } from './run/status-record.js';
import { GraceThenKill, watchStopRequest } from './run/timers.js';
import { runContainers, signalAll } from './run/training.js';
import { assertRunnableLocally, assertRunnableRemotely, unsupportedFieldWarnings } from './unsupported.js';

/** SageMaker's grace period between SIGTERM and SIGKILL. */
const DEFAULT_STOP_GRACE_SECONDS = 120;

/** What a run is made of, checked and connected by {@link LocalRun.start}. */
interface RunParts {
  request: CreateTrainingJobRequest;
  events: JobEvents;
  engine: Engine;
  metrics: MetricParser;
  paths: JobPaths;
  settings: LocalRunSettings;
  context: StartContext;
  gpu: EngineKind | undefined;
}

/** A local job owned by this process. */
export class LocalRun {
  readonly name: string;
  readonly paths: JobPaths;
  /** Resolves with the final describe document (Completed, Failed or Stopped). */
  readonly done: Promise<DescribeTrainingJobResponse>;

  private readonly state: RunState;
  private s3Client: S3Client | undefined;

  private constructor({ request, events, engine, metrics, paths, settings, context, gpu }: RunParts) {
    this.name = request.TrainingJobName!;
    this.paths = paths;
    const hosts = planHosts(request, paths);
    const grace = settings.stopGracePeriodSeconds ?? DEFAULT_STOP_GRACE_SECONDS;
    this.state = {
      name: this.name,
      request,
      events,
      engine,
      settings,
      paths,
      region: context.region,
      accountId: context.accountId,
      code: context.code,
      gpu,
      hosts,
      record: new JobRecord(paths, events, request, context.region, context.accountId),
      logs: new JobLogs(paths, events, metrics, hosts),
      abort: new AbortController(),
      termination: new GraceThenKill((signal) => signalAll(hosts, signal), grace * 1000),
      s3: () => (this.s3Client ??= createS3Client(context.region ? { region: context.region } : {})),
      stop: (reason) => this.stop(reason),
    };
    this.done = this.execute();
  }

  /**
   * Checks what can be checked at once (runnable locally, engine answers, name free, metric
   * regexes), records the job as InProgress and starts it. Errors here are thrown, not recorded.
   */
  static async start(context: StartContext): Promise<LocalRun> {
    const { request, events } = context;
    const settings = context.local ?? {};
    assertRunnableLocally(request);
    const metrics = createMetricParser(request.AlgorithmSpecification?.MetricDefinitions ?? []);
    const paths = new JobPaths(resolveStateDir(settings.stateDir), request.TrainingJobName!);
    if (await readDescribe(paths)) await claimJobName(paths); // refused at once, before the engine is asked
    const engine = await connectEngine(settings.engineHost);
    if (!engine.local) assertRunnableRemotely(request, engine.host);
    const gpu = clusterHosts(request).some((h) => h.instanceType === 'local_gpu') ? await engine.assertGpuSupport() : undefined;
    await preflightLocalJob(request, settings, engine.images, paths.dir);
    await cleanupLeftovers(engine).catch((error: unknown) => events.warnOnce(`could not clean up old sagekit containers: ${(error as Error).message}`));
    await claimJobName(paths);
    await writeFile(paths.owner, JSON.stringify({ pid: process.pid }));
    for (const warning of unsupportedFieldWarnings(request)) events.warnOnce(warning);
    const run = new LocalRun({ request, events, engine, metrics, paths, settings, context, gpu });
    await run.state.record.persist();
    return run;
  }

  /** The current describe document. */
  snapshot(): DescribeTrainingJobResponse {
    return this.state.record.snapshot();
  }

  /** The last lines logged by any host (newest last), for error reports. */
  lastLogLines(): string[] {
    return this.state.logs.lastLines();
  }

  /**
   * Stops the job: SIGTERM to every container, SIGKILL after the grace period. A second call
   * kills at once. Artifacts produced so far are still packaged.
   */
  async stop(reason: StopReason = 'Stopped'): Promise<void> {
    const { state } = this;
    if (state.record.isEnded()) return;
    if (state.stopReason) {
      await state.termination.kill();
      return;
    }
    state.stopReason = reason;
    state.abort.abort();
    state.record.setStatus(
      'Stopping',
      reason === 'MaxRuntimeExceeded' ? 'The job reached its maximum runtime; stopping' : 'Stopping the training job',
      'Stopping',
    );
    await state.termination.terminate();
  }

  private async execute(): Promise<DescribeTrainingJobResponse> {
    const { state } = this;
    // Let start() return the handle before any work (and any event) happens.
    await Promise.resolve();
    const stopWatch = watchStopRequest(this.paths.stopRequested, () => {
      if (!state.stopReason) void this.stop('Stopped');
    });
    try {
      await prepareImage(state);
      if (!state.stopReason) await prepareData(state);
      if (!state.stopReason) await runContainers(state);
    } catch (error) {
      state.failureReason ??= failureText(await explainNotRunnable(error, state.hosts, state.record));
    }
    clearTimeout(state.maxRunTimer);
    await collectArtifacts(state);
    state.termination.cancel();
    stopWatch();
    await cleanUp(state);
    return this.finish();
  }

  /** Records the outcome with its times and final metrics, then closes the log records. */
  private async finish(): Promise<DescribeTrainingJobResponse> {
    const { record, logs } = this.state;
    const start = record.trainingStart;
    const trainingEnd = record.trainingEnd ?? new Date();
    const seconds = trainingSeconds(start, trainingEnd);
    await record.finish(outcomeOf(this.state.stopReason, this.state.failureReason), {
      ...(start && { TrainingEndTime: trainingEnd }),
      TrainingTimeInSeconds: seconds,
      // Nothing is billed locally; the compute time is reported so scripts reading it keep working.
      BillableTimeInSeconds: seconds,
      FinalMetricDataList: finalMetrics(logs.samples),
    });
    await logs.close();
    return this.snapshot();
  }
}

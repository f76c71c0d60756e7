/**
 * One local training job from start to end: image, data, containers `algo-1..N` on a private
 * network, live logs and metrics, `maxRun`, stop, artifacts, checkpoints, clean-up — and the
 * job record kept up to date all along. The job runs in this process's event loop; `done`
 * resolves with the final describe document whatever the outcome.
 */
import { once } from 'node:events';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse, SecondaryStatus, TrainingJobStatus } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import type Docker from 'dockerode';
import type { LocalRunSettings, StartContext } from '../backend.js';
import { SagekitError } from '../errors.js';
import type { JobEvents, LogLine, MetricSample } from '../events.js';
import { createS3Client } from '../s3/client.js';
import { joinUri } from '../s3/uri.js';
import type { ScriptCode } from '../code/script-code.js';
import { clusterHosts } from './cluster.js';
import { placeCode } from './code.js';
import { containerCommand } from './command.js';
import { stageInputsByGroup } from './data/stage-groups.js';
import { saveArtifacts } from './data/uncompressed.js';
import { createCheckpointSync, type CheckpointSync } from './data/checkpoints.js';
import type { StagedInputs } from './data/stage-inputs.js';
import { writeHostTree } from './config-files.js';
import { connectEngine, type Engine } from './engine/connect.js';
import { exitCodeOf, openOutput, startContainer, type OutputMode, type OutputStream } from './container-io.js';
import { isLibpod } from './engine/libpod.js';
import { createJobNetwork, defaultBridge, type JobNetwork } from './engine/networks.js';
import { assertGpuSupport } from './engine/gpu.js';
import type { EngineKind } from './engine/info.js';
import { containerSpec, type Bind } from './container-spec.js';
import { handBackOwnership } from './ownership.js';
import { downloadOutputs, uploadBinds } from './engine/remote-files.js';
import { ensureImage } from './image.js';
import { LineSplitter } from './line-splitter.js';
import { containerEnvironment } from './environment.js';
import { cleanupLeftovers, MANAGED_LABEL } from './leftovers.js';
import { createMetricParser, finalMetrics, type MetricParser } from './metrics.js';
import { claimJobName } from './claim.js';
import { demuxOutput } from './engine/demux.js';
import { type Recovery, recoverHostLog, replaceHostLines, saveCompleteLog } from './log-recovery.js';
import { preflightLocalJob } from './preflight.js';
import { explainStartFailure } from './start-failure.js';
import { JobPaths, readDescribe, resolveStateDir, writeDescribe } from './record.js';
import { initialDescribe, transition } from './status.js';
import { assertRunnableLocally, assertRunnableRemotely, unsupportedFieldWarnings } from './unsupported.js';

/** SageMaker's grace period between SIGTERM and SIGKILL. */
export const DEFAULT_STOP_GRACE_SECONDS = 120;
/** SageMaker caps FailureReason at 1024 characters. */
const FAILURE_REASON_MAX = 1024;
const LAST_LINES_KEPT = 20;
/** How long a host's output may linger after its container exited before we close it. */
const OUTPUT_DRAIN_MS = 2000;

type StopReason = 'Stopped' | 'MaxRuntimeExceeded';

interface HostRun {
  name: string;
  instanceType: string;
  dir: string;
  container?: Docker.Container;
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

/** A local job owned by this process. */
export class LocalRun {
  readonly name: string;
  readonly paths: JobPaths;
  /** Resolves with the final describe document (Completed, Failed or Stopped). */
  readonly done: Promise<DescribeTrainingJobResponse>;

  private doc: DescribeTrainingJobResponse;
  private readonly hosts: HostRun[];
  private readonly settings: LocalRunSettings;
  private readonly abort = new AbortController();
  private stopReason: StopReason | undefined;
  private failureReason: string | undefined;
  private network: JobNetwork | undefined;
  private staged: StagedInputs | undefined;
  private checkpoints: CheckpointSync | undefined;
  private s3Client: S3Client | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private maxRunTimer: NodeJS.Timeout | undefined;
  private stopWatcher: NodeJS.Timeout | undefined;
  private logFile: WriteStream;
  private metricFile: WriteStream;
  private readonly samples: MetricSample[] = [];
  private persistQueue: Promise<void> = Promise.resolve();
  private hostAddresses: string[] | undefined;
  /** A one-host job on the engine's default network rather than one of its own. */
  private onDefaultNetwork = false;
  /** True while the containers' output waits for the record's log file to catch up. */
  private outputHeld = false;
  /** Set for `local_gpu` jobs: the engine kind whose way of passing GPUs is used. */
  private gpu: EngineKind | undefined;
  /** The first host that failed, claimed at once so only its reason is recorded. */
  private failedHost: string | undefined;

  private constructor(
    private readonly request: CreateTrainingJobRequest,
    private readonly events: JobEvents,
    private readonly engine: Engine,
    private readonly metrics: MetricParser,
    private readonly region: string | undefined,
    paths: JobPaths,
    settings: LocalRunSettings,
    private readonly code: ScriptCode | undefined,
  ) {
    this.name = request.TrainingJobName!;
    this.paths = paths;
    this.settings = settings;
    this.hosts = clusterHosts(request).map(({ name, instanceType }) => ({ name, instanceType, dir: paths.host(name), lastLines: [], received: 0 }));
    this.doc = initialDescribe(request, region, new Date());
    this.logFile = createWriteStream(paths.logs, { flags: 'a' });
    this.metricFile = createWriteStream(paths.metrics, { flags: 'a' });
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
    const gpu = clusterHosts(request).some((h) => h.instanceType === 'local_gpu') ? await assertGpuSupport(engine.docker) : undefined;
    await preflightLocalJob(request, settings, engine.docker, paths.dir);
    await cleanupLeftovers(engine.docker).catch((error: unknown) => events.warnOnce(`could not clean up old sagekit containers: ${(error as Error).message}`));
    await claimJobName(paths);
    await writeFile(paths.owner, JSON.stringify({ pid: process.pid }));
    for (const warning of unsupportedFieldWarnings(request)) events.warnOnce(warning);
    const run = new LocalRun(request, events, engine, metrics, context.region, paths, settings, context.code);
    run.gpu = gpu;
    await run.persist();
    return run;
  }

  /** The current describe document. */
  snapshot(): DescribeTrainingJobResponse {
    return structuredClone(this.doc);
  }

  /** The last lines logged by any host (newest last), for error reports. */
  lastLogLines(): string[] {
    return this.hosts.flatMap((h) => h.lastLines).slice(-LAST_LINES_KEPT);
  }

  /**
   * Stops the job: SIGTERM to every container, SIGKILL after the grace period. A second call
   * kills at once. Artifacts produced so far are still packaged.
   */
  async stop(reason: StopReason = 'Stopped'): Promise<void> {
    if (this.isEnded()) return;
    if (this.stopReason) {
      await this.signalAll('SIGKILL');
      return;
    }
    this.stopReason = reason;
    this.abort.abort();
    this.setStatus('Stopping', reason === 'MaxRuntimeExceeded' ? 'The job reached its maximum runtime; stopping' : 'Stopping the training job', 'Stopping');
    await this.signalAll('SIGTERM');
    const grace = this.settings.stopGracePeriodSeconds ?? DEFAULT_STOP_GRACE_SECONDS;
    this.killTimer = setTimeout(() => void this.signalAll('SIGKILL'), grace * 1000);
  }

  private isEnded(): boolean {
    return ['Completed', 'Failed', 'Stopped'].includes(this.doc.TrainingJobStatus ?? '');
  }

  private async signalAll(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    await Promise.all(
      this.hosts.map(async (host) => {
        if (!host.container || host.exitCode !== undefined) return;
        await host.container.kill({ signal }).catch(() => undefined);
      }),
    );
  }

  private setStatus(secondary: SecondaryStatus, message: string, status?: TrainingJobStatus): void {
    const now = new Date();
    this.doc = transition(this.doc, secondary, message, now, status);
    this.events.emit('status', { status: this.doc.TrainingJobStatus!, secondaryStatus: secondary, message, timestamp: now.getTime() });
    void this.persist();
  }

  /** Writes the describe document; writes are queued so an older state never overwrites a newer one. */
  private persist(): Promise<void> {
    const doc = this.snapshot();
    this.persistQueue = this.persistQueue
      .then(() => writeDescribe(this.paths, doc))
      .catch((error: unknown) => {
        this.events.warnOnce(`could not save the job record: ${(error as Error).message}`);
      });
    return this.persistQueue;
  }

  private s3 = (): S3Client => (this.s3Client ??= createS3Client(this.region ? { region: this.region } : {}));

  private async execute(): Promise<DescribeTrainingJobResponse> {
    // Let start() return the handle before any work (and any event) happens.
    await Promise.resolve();
    this.stopWatcher = setInterval(() => {
      if (!this.stopReason && existsSync(this.paths.stopRequested)) void this.stop('Stopped');
    }, 500);
    this.stopWatcher.unref();
    try {
      await this.prepareImage();
      if (!this.stopReason) await this.prepareData();
      if (!this.stopReason) await this.runContainers();
    } catch (error) {
      this.failureReason ??= failureText(await this.explainNotRunnable(error));
    }
    await this.collectArtifacts();
    await this.cleanUp();
    return this.finish();
  }

  /**
   * An engine may report a `train` it cannot execute from the start, the attach or the wait
   * (Podman with an attached session answers the attach with 409). When no host printed
   * anything, nothing ran: the error names the fix and there is nothing to package.
   */
  private async explainNotRunnable(error: unknown): Promise<unknown> {
    const container = this.hosts[0]?.container;
    if (!container || this.hosts.some((h) => h.received > 0)) return error;
    const explained = await explainStartFailure(error, container);
    if (explained !== error) this.doc = { ...this.doc, TrainingStartTime: undefined };
    return explained;
  }

  private async prepareImage(): Promise<void> {
    const image = this.request.AlgorithmSpecification!.TrainingImage!;
    await ensureImage(this.engine.docker, image, {
      ...(this.settings.pull && { pull: this.settings.pull }),
      ...(this.settings.buildContext && { buildContext: this.settings.buildContext }),
      ...(this.settings.buildArgs && { buildArgs: this.settings.buildArgs }),
      events: this.events,
      // `sagekit logs JOB` of a failed build shows what the build said.
      onBuildLine: (message) => this.logFile.write(`${JSON.stringify({ host: 'build', message, timestamp: Date.now(), stream: 'stdout' })}\n`),
    });
  }

  private async prepareData(): Promise<void> {
    this.setStatus('Downloading', 'Downloading input data');
    await Promise.all(this.hosts.map((host) => writeHostTree(host.dir, this.request, host.name)));
    if (this.code)
      await placeCode(
        this.code,
        this.hosts.map((h) => h.dir),
      );
    this.staged = await stageInputsByGroup(this.request, {
      channels: this.request.InputDataConfig ?? [],
      jobInputMode: this.request.AlgorithmSpecification?.TrainingInputMode ?? 'File',
      hostDirs: this.hosts.map((h) => h.dir),
      workDir: this.paths.work,
      s3: this.s3,
      events: this.events,
      signal: this.abort.signal,
    });
    const checkpointUri = this.request.CheckpointConfig?.S3Uri;
    if (checkpointUri) {
      this.checkpoints = createCheckpointSync({
        s3Uri: checkpointUri,
        hostDirs: this.hosts.map((h) => path.join(h.dir, 'checkpoints')),
        s3: this.s3,
        events: this.events,
      });
      await this.checkpoints.restore();
    }
  }

  /**
   * The job's private network. Every host gets a fixed address in it and every `algo-i` is
   * written into each container's hosts file, so all names resolve from the first instruction
   * of `train`, whatever order the containers start in (engine DNS only knows started ones).
   */
  private async createNetwork(podman: Promise<boolean>): Promise<string> {
    const isolated = this.request.EnableNetworkIsolation === true;
    if (isolated && this.hosts.length === 1) return 'none';
    if (this.hosts.length === 1) {
      const shared = await defaultBridge(this.engine.docker, await podman);
      this.onDefaultNetwork = shared !== undefined;
      if (shared) return shared;
    }
    // Unique per run: a crashed run's network must never collide with a new one.
    const name = `sagekit-${this.name}-${process.pid}`.slice(0, 100);
    this.network = await createJobNetwork(this.engine.docker, { name, labels: this.labels(), internal: isolated, hosts: this.hosts.length });
    this.hostAddresses = this.network.addresses;
    return name;
  }

  private labels(host?: string): Record<string, string> {
    return {
      [MANAGED_LABEL]: 'true',
      'sagekit.job': this.name,
      'sagekit.pid': String(process.pid),
      ...(host && { 'sagekit.host': host }),
    };
  }

  private async createContainer(host: HostRun, network: string, env: string[]): Promise<Docker.Container> {
    const index = this.hosts.indexOf(host);
    const binds: Bind[] = [{ source: host.dir, target: '/opt/ml' }, ...(this.staged?.bindsFor(index) ?? [])];
    const checkpointPath = this.request.CheckpointConfig?.LocalPath;
    if (checkpointPath && checkpointPath !== '/opt/ml/checkpoints') binds.push({ source: path.join(host.dir, 'checkpoints'), target: checkpointPath });
    const command = containerCommand(this.request);
    const spec = containerSpec({
      name: `sagekit-${this.name}-${host.name}-${process.pid}`.slice(0, 120),
      image: this.request.AlgorithmSpecification!.TrainingImage!,
      hostName: host.name,
      hostIndex: index,
      hostNames: this.hosts.map((h) => h.name),
      network,
      ...(this.onDefaultNetwork && { defaultNetwork: true }),
      ...(this.hostAddresses && { addresses: this.hostAddresses }),
      env,
      binds,
      labels: this.labels(host.name),
      ...(host.instanceType === 'local_gpu' && this.gpu && { gpu: this.gpu }),
      cmd: command.Cmd,
      ...(command.Entrypoint && { entrypoint: command.Entrypoint }),
    });
    if (this.engine.local) return this.engine.docker.createContainer(spec);
    // A remote engine cannot see this machine's folders: their contents go in through the API.
    const container = await this.engine.docker.createContainer({ ...spec, HostConfig: { ...spec.HostConfig, Binds: [] } });
    await uploadBinds(container, binds);
    return container;
  }

  /** Streams a container's output into log events, the record and the metric parser. */
  private async attach(host: HostRun, how: OutputMode): Promise<{ finished: Promise<void> }> {
    const stream = await openOutput(host.container!, how);
    host.output = stream;
    const splitter = (kind: 'stdout' | 'stderr') =>
      new LineSplitter((message) => this.onLine({ host: host.name, message, timestamp: Date.now(), stream: kind }, host));
    const stdout = splitter('stdout');
    const stderr = splitter('stderr');
    demuxOutput(stream, stdout, stderr);
    let ended = false;
    const endBoth = () => {
      if (ended) return;
      ended = true;
      stdout.end();
      stderr.end();
    };
    host.lastOutput = Date.now();
    stream.on('data', () => (host.lastOutput = Date.now()));
    stream.on('end', endBoth);
    stream.on('close', endBoth);
    const finished = (w: LineSplitter) => new Promise<void>((resolve) => w.once('finish', () => resolve()));
    // Wrapped: an async function returning a bare promise would wait for it.
    return { finished: Promise.all([finished(stdout), finished(stderr)]).then(() => undefined) };
  }

  private onLine(line: LogLine, host: HostRun): void {
    host.received++;
    host.lastLines.push(line.message);
    if (host.lastLines.length > LAST_LINES_KEPT) host.lastLines.shift();
    if (!this.logFile.write(`${JSON.stringify(line)}\n`)) this.holdOutputUntilDrained();
    this.events.emit('log', line);
    for (const sample of this.metrics.parse(line.message, line.host, line.timestamp)) {
      this.samples.push(sample);
      this.metricFile.write(`${JSON.stringify(sample)}\n`);
      this.events.emit('metric', sample);
    }
  }

  /**
   * Backpressure: while the record's log file catches up, the containers' output streams wait
   * (the engine buffers them), so a container printing 200 000 lines at once does not pile them
   * up in this process's memory.
   */
  private holdOutputUntilDrained(): void {
    if (this.outputHeld) return;
    this.outputHeld = true;
    const held = this.hosts.map((h) => h.output).filter((o) => o !== undefined);
    for (const output of held) output.pause();
    this.logFile.once('drain', () => {
      this.outputHeld = false;
      const now = Date.now();
      for (const host of this.hosts) host.lastOutput = now;
      for (const output of held) output.resume();
    });
  }

  private async runContainers(): Promise<void> {
    const attachFirst = isLibpod(this.engine.docker); // asked now, answered while the containers are created
    const network = await this.createNetwork(attachFirst);
    const env = await containerEnvironment(this.request, this.region, this.settings.passAwsCredentials === true);
    await Promise.all(this.hosts.map(async (host) => (host.container = await this.createContainer(host, network, env))));
    if (this.stopReason) return;

    const start = new Date();
    this.doc = { ...this.doc, TrainingStartTime: start };
    this.setStatus('Training', 'Training image download completed. Training in progress.');
    const maxRun = this.request.StoppingCondition?.MaxRuntimeInSeconds;
    if (maxRun) this.maxRunTimer = setTimeout(() => void this.stop('MaxRuntimeExceeded'), maxRun * 1000);
    this.checkpoints?.start();

    const pipeControllers = this.hosts.map(() => new AbortController());
    const pipes: Promise<void>[] = [];
    // Podman: attached before they start, as `podman run` does (its followed logs end up to a
    // second after the exit). Docker: followed logs, which keep stdout and stderr in order.
    const early = (await attachFirst) ? await Promise.all(this.hosts.map((host) => this.attach(host, 'attach'))) : undefined;
    // All hosts start together, as SageMaker's instances do (their names already resolve).
    await Promise.all(this.hosts.map((host) => startContainer(host.container!))).catch(async (error: unknown) => {
      // Nothing ran, so there is nothing to package (no "Uploading", no empty model.tar.gz).
      this.doc = { ...this.doc, TrainingStartTime: undefined };
      throw await explainStartFailure(error, this.hosts[0]!.container!);
    });
    const outputs = (early ?? (await Promise.all(this.hosts.map((host) => this.attach(host, 'logs'))))).map((a) => a.finished);
    for (const [index, host] of this.hosts.entries()) {
      if (this.staged) {
        pipes.push(
          this.staged.feedPipes(index, pipeControllers[index]!.signal).catch((error: unknown) => {
            this.events.warnOnce(`Pipe-mode feed of ${host.name} failed: ${(error as Error).message}`);
          }),
        );
      }
    }
    await Promise.all(
      this.hosts.map(async (host, index) => {
        host.exitCode = await exitCodeOf(host.container!, outputs[index]);
        pipeControllers[index]!.abort();
        const firstFailure = host.exitCode !== 0 && !this.stopReason && !this.failureReason && !this.failedHost;
        if (firstFailure) {
          this.failedHost = host.name;
          // SageMaker ends the whole job when one host fails.
          await this.signalAll('SIGTERM');
          const grace = this.settings.stopGracePeriodSeconds ?? DEFAULT_STOP_GRACE_SECONDS;
          this.killTimer ??= setTimeout(() => void this.signalAll('SIGKILL'), grace * 1000);
        }
        // The engine may report the exit before the last lines reached us: the reason quotes them.
        await drainOutput(host, outputs[index]!, () => this.outputHeld);
        if (!this.engine.local) await this.collectRemote(host);
        await this.recoverLines(host);
        if (firstFailure) this.failureReason ??= await this.hostFailure(host);
        // Removed while the other hosts still run: the engine's slow part overlaps with theirs.
        host.removal = removeContainer(host.container!);
      }),
    );
    this.doc = { ...this.doc, TrainingEndTime: new Date() };
    await Promise.all(pipes);
  }

  /**
   * The live stream may have dropped lines of this host (log-recovery.ts). When it only ended
   * early, the missing tail is emitted as log and metric events; with gaps inside, its record
   * lines are replaced at the end and its metrics and last lines (for the failure reason) are
   * recomputed from the whole log.
   */
  private async recoverLines(host: HostRun): Promise<void> {
    const recovery: Recovery = await recoverHostLog(this.engine.docker, host.container!, {
      host: host.name,
      received: host.received,
      lastReceived: host.lastLines.at(-1),
      keepLast: LAST_LINES_KEPT,
      emit: (line) => {
        this.onLine(line, host);
        return this.logFile.writableNeedDrain ? once(this.logFile, 'drain').then(() => undefined) : undefined;
      },
      parseMetrics: (line) => this.metrics.parse(line.message, line.host, line.timestamp),
    });
    if (recovery.kind !== 'gaps') return;
    const file = `${this.paths.logs}.${host.name}.complete`;
    if (!(await saveCompleteLog(this.engine.docker, host.container!, host.name, file))) return;
    host.complete = file;
    host.lastLines = recovery.lastLines;
    const others = this.samples.filter((sample) => sample.host !== host.name);
    this.samples.splice(0, this.samples.length, ...others, ...recovery.samples);
  }

  /** A remote engine's host: model, output (failure file included) and checkpoints copied back. */
  private async collectRemote(host: HostRun): Promise<void> {
    try {
      await downloadOutputs(host.container!, host.dir, this.request.CheckpointConfig?.LocalPath);
    } catch (error) {
      this.events.warnOnce(`could not copy ${host.name}'s results back from the engine: ${(error as Error).message}`);
    }
  }

  private async hostFailure(host: HostRun): Promise<string> {
    const file = path.join(host.dir, 'output', 'failure');
    const written = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (written) return written.slice(0, FAILURE_REASON_MAX);
    const tail = host.lastLines.slice(-3).join(' | ');
    return `AlgorithmError: the training container on ${host.name} exited with code ${host.exitCode}${tail ? `; last lines: ${tail}` : ''}`.slice(
      0,
      FAILURE_REASON_MAX,
    );
  }

  private async collectArtifacts(): Promise<void> {
    clearTimeout(this.maxRunTimer);
    if (!this.doc.TrainingStartTime) {
      // Nothing ran: no artifacts to save (SageMaker likewise reports none).
      await this.checkpoints?.stop().catch(() => undefined);
      return;
    }
    this.setStatus('Uploading', 'Uploading generated training model');
    const output = joinUri(this.request.OutputDataConfig!.S3OutputPath!, this.name, 'output');
    const kmsKeyId = this.request.OutputDataConfig?.KmsKeyId;
    const compressed = this.request.OutputDataConfig?.CompressionType !== 'NONE';
    const pack = async (what: 'model' | 'output', dirs: string[]) => {
      try {
        return await saveArtifacts({ sources: dirs, output, what, compressed, s3: this.s3, ...(kmsKeyId && { kmsKeyId }), events: this.events });
      } catch (error) {
        // The files themselves stay in the record's host folders: say where, since saving failed.
        const message = `could not save ${what}.tar.gz: ${(error as Error).message}; the files are kept in ${path.join(this.paths.dir, 'hosts')}`;
        if (!this.failureReason && !this.stopReason) this.failureReason = `ClientError: ${message}`;
        else this.events.warnOnce(message);
        return undefined;
      }
    };
    const [model] = await Promise.all([
      pack(
        'model',
        this.hosts.map((h) => path.join(h.dir, 'model')),
      ),
      pack(
        'output',
        this.hosts.map((h) => path.join(h.dir, 'output', 'data')),
      ),
    ]);
    if (model) this.doc = { ...this.doc, ModelArtifacts: { S3ModelArtifacts: model.uri } };
    try {
      await this.checkpoints?.stop();
    } catch (error) {
      this.events.warnOnce(`could not save the last checkpoints: ${(error as Error).message}`);
    }
  }

  private async cleanUp(): Promise<void> {
    clearTimeout(this.killTimer);
    clearInterval(this.stopWatcher);
    await Promise.all(this.hosts.map((host) => host.removal ?? (host.container && removeContainer(host.container))));
    if (this.engine.local && this.hosts.some((h) => h.container)) {
      await handBackOwnership({
        docker: this.engine.docker,
        image: this.request.AlgorithmSpecification!.TrainingImage!,
        dirs: this.hosts.map((h) => h.dir),
        jobName: this.name,
        events: this.events,
      });
    }
    await this.network?.remove().catch(() => undefined);
    await this.staged?.cleanup().catch(() => undefined);
    await rm(this.paths.work, { recursive: true, force: true });
    // Input data copies are not results; configs, model and output stay in the record.
    await Promise.all(this.hosts.map((host) => rm(path.join(host.dir, 'input', 'data'), { recursive: true, force: true })));
    await rm(this.paths.stopRequested, { force: true });
  }

  private async finish(): Promise<DescribeTrainingJobResponse> {
    const end = new Date();
    const start = this.doc.TrainingStartTime;
    const trainingEnd = this.doc.TrainingEndTime ?? end;
    const seconds = start ? Math.max(0, Math.round((trainingEnd.getTime() - start.getTime()) / 1000)) : 0;
    this.doc = {
      ...this.doc,
      ...(start && { TrainingEndTime: trainingEnd }),
      TrainingTimeInSeconds: seconds,
      // Nothing is billed locally; the compute time is reported so scripts reading it keep working.
      BillableTimeInSeconds: seconds,
      FinalMetricDataList: finalMetrics(this.samples),
    };
    if (this.stopReason) {
      this.setStatus(
        this.stopReason,
        this.stopReason === 'MaxRuntimeExceeded' ? 'Training job stopped: it exceeded its maximum runtime' : 'Training job stopped',
        'Stopped',
      );
    } else if (this.failureReason) {
      this.doc = { ...this.doc, FailureReason: this.failureReason };
      this.setStatus('Failed', `Training job failed. Reason: ${this.failureReason}`.slice(0, FAILURE_REASON_MAX), 'Failed');
    } else {
      this.setStatus('Completed', 'Training job completed', 'Completed');
    }
    await this.persist();
    await Promise.all([closeStream(this.logFile), closeStream(this.metricFile)]);
    const complete = new Map(this.hosts.flatMap((h) => (h.complete ? [[h.name, h.complete] as const] : [])));
    await replaceHostLines(this.paths.logs, complete).catch((error: unknown) =>
      this.events.warnOnce(`could not complete the log record: ${(error as Error).message}`),
    );
    return this.snapshot();
  }
}

/**
 * Waits for a host's output to end with its container; closes it once it has been silent for
 * OUTPUT_DRAIN_MS (some engines keep it open) — never while lines are still arriving or held.
 */
async function drainOutput(host: HostRun, finished: Promise<void>, held: () => boolean): Promise<void> {
  let ended = false;
  void finished.then(() => (ended = true));
  while (!ended) {
    const silentFor = Date.now() - (host.lastOutput ?? 0);
    if (silentFor >= OUTPUT_DRAIN_MS && !held()) {
      host.output?.destroy?.();
      break;
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(50, OUTPUT_DRAIN_MS - silentFor))))]);
    clearTimeout(timer);
  }
  await finished;
}

/** Removes a container and its anonymous volumes; one already gone is fine. */
function removeContainer(container: Docker.Container): Promise<void> {
  return container.remove({ force: true, v: true }).then(
    () => undefined,
    () => undefined,
  );
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

/** FailureReason text for an error raised before or around the containers. */
function failureText(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const kind =
    error instanceof SagekitError || (error as Error).name === 'ImageError' || (error as Error).name === 'ChannelDataError'
      ? 'ClientError'
      : 'InternalServerError';
  return `${kind}: ${message}`.slice(0, FAILURE_REASON_MAX);
}

/**
 * Input channels of a local job, staged the way SageMaker presents them to a training container.
 *
 * File and FastFile mode (FastFile streams lazily on SageMaker; locally the files are simply
 * there, the same as File mode) — the channel appears at `/opt/ml/input/data/<channel>/`:
 * - an existing `file://` directory is bind-mounted read-only as the channel directory, and an
 *   existing `file://` file at `<channel>/<basename>`: nothing is copied (symbolic links inside a
 *   bound directory stay links, so links pointing outside it dangle in the container);
 * - any other selection (`s3://` prefixes and manifests, `ShardedByS3Key` shares, `file://` name
 *   prefixes, model channels) is put together once in the job's work directory — S3 objects
 *   downloaded (four transfers at a time), local files hard-linked — and that directory is
 *   bind-mounted read-only. A `FullyReplicated` channel is staged once and shared by every host.
 * - `CompressionType: Gzip` and `RecordWrapperType: RecordIO` are ignored in File mode, as on
 *   SageMaker (its API reference: "CompressionType is used only in Pipe input mode"): the files are
 *   given as they are, and a warning says so.
 *
 * Pipe mode: FIFOs `/opt/ml/input/data/<channel>_<epoch>` per host, fed by
 * {@link StagedInputs.feedPipes} once the container runs (see `pipe-feed.ts`). As on SageMaker, a
 * reader that wants another pass opens the next epoch's pipe and gets the channel again (reshuffled
 * with the channel's seed when it has a ShuffleConfig), in any order (see `epoch-server.ts`).
 *
 * Model channel (`ContentType: application/x-sagemaker-model`): as on SageMaker the object (e.g.
 * `model.tar.gz`) is placed in the channel directory; sagekit additionally extracts every
 * `.tar.gz`/`.tgz` into that same directory (refusing entries that would escape it), so a
 * container can load the model without unpacking it. An extracted path wins over a file of the
 * same name from the channel, with a warning.
 *
 * Augmented manifests (Pipe mode only) stream each line's attributes, see `augmented-manifest.ts`.
 *
 * Refused with a ChannelDataError: `FileSystemDataSource` (EFS/FSx cannot be mounted
 * locally), augmented manifests outside Pipe mode, missing local paths, S3 prefixes without objects.
 *
 * How: every channel is planned first (`staging/plan.ts`: the checks, the strategy, each host's
 * items), so nothing is staged when any channel is wrong; then each plan is executed by its
 * strategy (`staging/dispatch.ts`: `pipe`, `bind`, `copy`, `model`).
 */
import { setMaxListeners } from 'node:events';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Channel } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { createLimiter } from '../../util/concurrency.js';
import { serveEpochs } from './epoch-server.js';
import { ChannelDataError } from './errors.js';
import { executePlan } from './staging/dispatch.js';
import { planChannel } from './staging/plan.js';
import { type ContainerBind, StagedParts } from './staging/staged.js';

/** Staged channels of a job. */
export interface StagedInputs {
  /** Extra binds for host i (0-based: algo-(i+1)), added after the host dir bound at /opt/ml. */
  bindsFor(hostIndex: number): ContainerBind[];
  /**
   * Feeds host i's Pipe-mode FIFOs; called right after its container started. Resolves when every
   * first-epoch pipe (`_0`) was written fully (or its reader went away / the signal aborted); later
   * epochs go on being served, for readers that come back, until the signal aborts or cleanup.
   */
  feedPipes(hostIndex: number, signal: AbortSignal): Promise<void>;
  /** Removes temporary downloads and FIFOs. Idempotent. */
  cleanup(): Promise<void>;
}

/** Options of {@link stageInputs}. */
export interface StageInputsOptions {
  /** `request.InputDataConfig ?? []`. */
  channels: Channel[];
  /** `request.AlgorithmSpecification.TrainingInputMode`, the default of every channel. */
  jobInputMode: string;
  /** Host directory bound at `/opt/ml` in host i's container. */
  hostDirs: string[];
  /** Scratch directory of the job for shared downloads. */
  workDir: string;
  s3: () => S3Client;
  events: JobEvents;
  signal?: AbortSignal;
  /** `local.allowManifestLocalPaths`. */
  allowManifestLocalPaths?: boolean;
}

/**
 * Stages every channel (downloads, links, FIFOs) before the containers start. On failure,
 * whatever was staged so far is removed before the error is thrown.
 */
export async function stageInputs(options: StageInputsOptions): Promise<StagedInputs> {
  const parts = new StagedParts(options.hostDirs.length);
  const lifetime = new Lifetime(options, parts);
  try {
    await stageChannels(options, parts);
  } catch (error) {
    await lifetime.cleanup();
    throw error;
  }
  return {
    bindsFor: (hostIndex) => (parts.binds[hostIndex] ?? []).map((bind) => ({ ...bind })),
    feedPipes: (hostIndex, signal) => lifetime.feedPipes(hostIndex, signal),
    cleanup: () => lifetime.cleanup(),
  };
}

/** Plans every channel, then executes the plans; the first failing channel's error is thrown. */
async function stageChannels(options: StageInputsOptions, parts: StagedParts): Promise<void> {
  assertDistinctNames(options.channels);
  const planning = {
    jobInputMode: options.jobInputMode,
    hostCount: options.hostDirs.length,
    stagingRoot: path.join(options.workDir, 'inputs'),
    s3: options.s3,
    signal: options.signal,
    warn: (message: string) => options.events.warnOnce(message),
    allowManifestLocalPaths: options.allowManifestLocalPaths,
  };
  const plans = await allOrFirstError(options.channels.map((channel) => planChannel(channel, planning)));
  const ctx = { parts, hostDirs: options.hostDirs, limiter: createLimiter(4), s3: options.s3, events: options.events, signal: options.signal };
  await allOrFirstError(plans.map((plan) => executePlan(plan, ctx)));
}

function assertDistinctNames(channels: readonly Channel[]): void {
  const names = new Set<string>();
  for (const channel of channels) {
    const name = channel.ChannelName ?? '';
    if (names.has(name)) throw new ChannelDataError(name, undefined, 'the channel name is used twice');
    names.add(name);
  }
}

/** Waits for every promise (none is left running), then throws the first rejection in list order. */
async function allOrFirstError<T>(work: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(work);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

/** The staged inputs after staging: feeding their pipes and, once, removing everything. */
class Lifetime {
  private readonly ended = new AbortController();
  private readonly running = new Set<Promise<unknown>>();
  private cleaned: Promise<void> | undefined;
  private readonly spoolDir: string;

  constructor(
    private readonly options: StageInputsOptions,
    private readonly parts: StagedParts,
  ) {
    this.spoolDir = path.join(options.workDir, 'pipe-spool');
  }

  async feedPipes(hostIndex: number, signal: AbortSignal): Promise<void> {
    const specs = this.parts.pipes[hostIndex] ?? [];
    if (specs.length === 0 || this.ended.signal.aborted) return;
    const combined = AbortSignal.any([signal, this.ended.signal]);
    // Each waiting epoch listens on it; many channels are no leak.
    setMaxListeners(0, combined);
    const { events } = this.options;
    const ctx = { s3: this.options.s3, events, spoolDir: this.spoolDir, signal: combined };
    const hooks = { addFifo: (fifo: string) => this.parts.addFifo(fifo), track: (work: Promise<unknown>) => this.track(work) };
    // Every pipe and epoch at once: a container may open its channels and epochs in any order.
    const work = Promise.all(
      specs.map((spec) =>
        serveEpochs(spec, ctx, {
          ...hooks,
          onLaterError: (error) => events.warnOnce(`Pipe-mode channel "${spec.channel}" on ${spec.host}: ${(error as Error).message}`),
        }),
      ),
    );
    this.track(work);
    await work;
  }

  cleanup(): Promise<void> {
    this.cleaned ??= this.removeAll();
    return this.cleaned;
  }

  /** Registers background work cleanup waits for. */
  private track(work: Promise<unknown>): void {
    this.running.add(work);
    const forget = () => void this.running.delete(work);
    work.then(forget, forget);
  }

  private async removeAll(): Promise<void> {
    this.ended.abort();
    await Promise.allSettled([...this.running]);
    await Promise.allSettled(this.parts.copiers.map((copier) => copier.dispose()));
    await Promise.all(this.parts.fifos.map((fifo) => rm(fifo, { force: true })));
    await rm(path.join(this.options.workDir, 'inputs'), { recursive: true, force: true });
    await rm(this.spoolDir, { recursive: true, force: true });
  }
}

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
 * Refused with a {@link ChannelDataError}: `FileSystemDataSource` (EFS/FSx cannot be mounted
 * locally), augmented manifests outside Pipe mode, missing local paths, S3 prefixes without objects.
 */
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { createReadStream } from 'node:fs';
import type { Channel } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import { extractTar } from '../../archive/extract.js';
import type { JobEvents } from '../../events.js';
import { createLimiter, type Limiter } from '../../util/concurrency.js';
import { listAugmentedManifest } from './augmented-manifest.js';
import { assignToHosts, shuffleItems, type Distribution } from './distribution.js';
import { ChannelDataError } from './errors.js';
import { makeFifo } from './fifo.js';
import { FifoCopier } from './fifo-copier.js';
import { epochFifo, serveEpochs } from './epoch-server.js';
import { canUseCopier, type PipeSpec } from './pipe-feed.js';
import { assertDistinctPaths, ChannelProgress, describeItem, placeItems } from './placement.js';
import { RECORDIO_MAX_LENGTH } from './recordio.js';
import { classifySource, containsFile, listItems, type ChannelSource, type DataItem, type LocalItem, type SourceContext } from './sources.js';

/** A bind mount for the container engine (`source:target[:ro]`). */
export interface ContainerBind {
  source: string;
  target: string;
  readOnly: boolean;
}

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
}

/** Content type the Python SDK gives the channel made from `model_uri`. */
export const MODEL_CONTENT_TYPE = 'application/x-sagemaker-model';

const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const ARCHIVE = /\.(tar\.gz|tgz)$/i;
const INPUT_MODES = new Set(['File', 'Pipe', 'FastFile']);
const DISTRIBUTIONS = new Set(['FullyReplicated', 'ShardedByS3Key']);
/** Pipe copiers whose worker starts during staging (~9 MB each); later ones start when fed. */
const EAGER_COPIERS = 8;

/** Container path of a channel directory. */
export function channelTarget(channel: string): string {
  return `/opt/ml/input/data/${channel}`;
}

/** Host path of a channel directory (or FIFO base) inside host `hostDir`. */
function hostChannelPath(hostDir: string, channel: string): string {
  return path.join(hostDir, 'input', 'data', channel);
}

interface StageState {
  options: StageInputsOptions;
  limiter: Limiter;
  stagingRoot: string;
  binds: ContainerBind[][];
  pipes: PipeSpec[][];
  fifos: string[];
  copiers: FifoCopier[];
}

/**
 * Stages every channel (downloads, links, FIFOs) before the containers start. On failure,
 * whatever was staged so far is removed before the error is thrown.
 */
export async function stageInputs(options: StageInputsOptions): Promise<StagedInputs> {
  const state: StageState = {
    options,
    limiter: createLimiter(4),
    stagingRoot: path.join(options.workDir, 'inputs'),
    binds: options.hostDirs.map(() => []),
    pipes: options.hostDirs.map(() => []),
    fifos: [],
    copiers: [],
  };
  const lifetime = new AbortController();
  const running = new Set<Promise<unknown>>();
  let cleaned: Promise<void> | undefined;

  const cleanup = () =>
    (cleaned ??= (async () => {
      lifetime.abort();
      await Promise.allSettled([...running]);
      await Promise.allSettled(state.copiers.map((copier) => copier.dispose()));
      await Promise.all(state.fifos.map((fifo) => rm(fifo, { force: true })));
      await rm(state.stagingRoot, { recursive: true, force: true });
      await rm(path.join(options.workDir, 'pipe-spool'), { recursive: true, force: true });
    })());

  try {
    const names = new Set<string>();
    for (const channel of options.channels) {
      const name = channel.ChannelName ?? '';
      if (names.has(name)) throw new ChannelDataError(name, undefined, 'the channel name is used twice');
      names.add(name);
    }
    const settled = await Promise.allSettled(options.channels.map((channel) => stageChannel(state, channel)));
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failure) throw failure.reason;
  } catch (error) {
    await cleanup();
    throw error;
  }

  return {
    bindsFor(hostIndex) {
      return (state.binds[hostIndex] ?? []).map((bind) => ({ ...bind }));
    },
    async feedPipes(hostIndex, signal) {
      const specs = state.pipes[hostIndex] ?? [];
      if (specs.length === 0 || lifetime.signal.aborted) return;
      const combined = AbortSignal.any([signal, lifetime.signal]);
      // Each waiting epoch listens on it; many channels are no leak.
      setMaxListeners(0, combined);
      const ctx = { s3: options.s3, events: options.events, spoolDir: path.join(options.workDir, 'pipe-spool'), signal: combined };
      const hooks = {
        addFifo: (fifo: string) => addFifo(state, fifo),
        track: (work: Promise<unknown>) => {
          running.add(work);
          const forget = () => void running.delete(work);
          work.then(forget, forget);
        },
      };
      // Every pipe and epoch at once: a container may open its channels and epochs in any order.
      const work = Promise.all(
        specs.map((spec) =>
          serveEpochs(spec, ctx, {
            ...hooks,
            onLaterError: (error) => options.events.warnOnce(`Pipe-mode channel "${spec.channel}" on ${spec.host}: ${(error as Error).message}`),
          }),
        ),
      );
      hooks.track(work);
      await work;
    },
    cleanup,
  };
}

async function addFifo(state: StageState, fifo: string): Promise<void> {
  state.fifos.push(fifo);
  await makeFifo(fifo);
}

async function stageChannel(state: StageState, channel: Channel): Promise<void> {
  const { options } = state;
  const name = channel.ChannelName ?? '';
  if (!CHANNEL_NAME.test(name)) {
    throw new ChannelDataError(name, undefined, 'a channel name must match [A-Za-z0-9.-_]+');
  }
  const fsSource = channel.DataSource?.FileSystemDataSource;
  if (fsSource) {
    const where = `${fsSource.FileSystemType ?? 'file system'} ${fsSource.FileSystemId ?? ''}${fsSource.DirectoryPath ?? ''}`;
    throw new ChannelDataError(
      name,
      where.trim(),
      'EFS and FSx for Lustre file systems cannot be mounted by the local backend; copy the data to a local directory (file://) or to S3',
    );
  }
  const s3Source = channel.DataSource?.S3DataSource;
  if (!s3Source?.S3Uri) {
    throw new ChannelDataError(name, undefined, 'only S3DataSource channels (s3:// or file:// URIs) are supported by the local backend');
  }
  const uri = s3Source.S3Uri;
  const fail = (message: string, cause?: unknown): never => {
    throw new ChannelDataError(name, uri, message, cause);
  };
  const mode = channel.InputMode ?? options.jobInputMode;
  if (!INPUT_MODES.has(mode)) fail(`unknown input mode ${JSON.stringify(mode)} (File, Pipe or FastFile)`);
  const distribution = (s3Source.S3DataDistributionType ?? 'FullyReplicated') as Distribution;
  if (!DISTRIBUTIONS.has(distribution)) fail(`unknown S3DataDistributionType ${JSON.stringify(distribution)}`);
  const gzip = (channel.CompressionType ?? 'None') === 'Gzip';
  const recordIO = (channel.RecordWrapperType ?? 'None') === 'RecordIO';
  const isModel = channel.ContentType === MODEL_CONTENT_TYPE;
  const seed = channel.ShuffleConfig?.Seed;
  if (s3Source.InstanceGroupNames?.length) {
    options.events.warnOnce(`channel "${name}": InstanceGroupNames is ignored by the local backend (no heterogeneous clusters); every host gets the channel`);
  }

  const ctx: SourceContext = { channel: name, uri, s3: options.s3, signal: options.signal, attributeNames: s3Source.AttributeNames };
  const source = await classifySource(ctx, s3Source.S3DataType);
  const augmented = source.type === 'augmented-manifest';
  if (augmented && mode !== 'Pipe') fail(`an AugmentedManifestFile channel needs Pipe input mode (as on SageMaker), not ${mode}`);
  const hostCount = options.hostDirs.length;
  /** Each host's units (an object, or an augmented manifest line with its attributes), shuffled and sharded as wholes. */
  const selectUnits = async (): Promise<DataItem[][][]> => {
    const units = augmented ? await listAugmentedManifest(ctx) : (await listItems(ctx, source)).map((item) => [item]);
    const shares = assignToHosts(seed === undefined ? units : shuffleItems(units, seed), hostCount, distribution);
    const empty = shares.map((share, i) => (share.length === 0 ? `algo-${i + 1}` : '')).filter(Boolean);
    if (empty.length > 0) {
      const what = augmented ? 'manifest line(s)' : 'object(s)';
      options.events.warnOnce(`channel "${name}": ${units.length} ${what} sharded over ${hostCount} hosts leaves ${empty.join(', ')} without data`);
    }
    return shares;
  };
  const select = async (): Promise<DataItem[][]> => (await selectUnits()).map((share) => share.flat());

  if (mode === 'Pipe') {
    const unitShares = await selectUnits();
    const shares = unitShares.map((share) => share.flat());
    if (recordIO && !gzip) {
      const big = shares.flat().find((item) => (item.size ?? 0) > RECORDIO_MAX_LENGTH);
      if (big) fail(`${describeItem(big)} is larger than one RecordIO record can hold (${RECORDIO_MAX_LENGTH} bytes)`);
    }
    for (const [i, hostDir] of options.hostDirs.entries()) {
      const fifoBase = hostChannelPath(hostDir, name);
      const fifo = epochFifo(fifoBase, 0);
      await mkdir(path.dirname(fifo), { recursive: true });
      await addFifo(state, fifo);
      await addFifo(state, epochFifo(fifoBase, 1));
      const items = shares[i] ?? [];
      const eager = state.copiers.length < EAGER_COPIERS;
      const copier = canUseCopier(items, gzip)
        ? new FifoCopier(
            fifo,
            items.map((item) => (item as LocalItem).path),
            recordIO,
            { eager },
          )
        : undefined;
      if (copier) state.copiers.push(copier);
      state.pipes[i]!.push({
        channel: name,
        uri,
        fifo,
        fifoBase,
        epoch: 0,
        host: `algo-${i + 1}`,
        items,
        units: unitShares[i] ?? [],
        gzip,
        recordIO,
        ...(seed !== undefined && { shuffleSeed: seed }),
        ...(copier ? { copier } : {}),
      });
    }
    return;
  }

  if (gzip) {
    options.events.warnOnce(
      `channel "${name}": CompressionType Gzip applies to Pipe mode only (as on SageMaker); in ${mode} mode the files are given as they are, still compressed`,
    );
  }
  if (recordIO) {
    options.events.warnOnce(`channel "${name}": RecordWrapperType RecordIO applies to Pipe mode only (as on SageMaker); ignored in ${mode} mode`);
  }

  if (!isModel && distribution === 'FullyReplicated' && (source.type === 'local-dir' || source.type === 'local-file')) {
    await bindLocalSource(state, name, uri, source);
    return;
  }

  const shares = await select();
  const all = shares.flat();
  const known = all.every((item) => item.size !== undefined);
  const total = distribution === 'FullyReplicated' ? (shares[0] ?? []) : all;
  const progress = new ChannelProgress(options.events, `${name} <- ${uri}`, known ? total.reduce((sum, item) => sum + (item.size ?? 0), 0) : undefined);
  const groups =
    distribution === 'FullyReplicated'
      ? [{ dir: path.join(state.stagingRoot, name, 'shared'), items: shares[0] ?? [], hosts: options.hostDirs.map((_, i) => i) }]
      : shares.map((items, i) => ({ dir: path.join(state.stagingRoot, name, `algo-${i + 1}`), items, hosts: [i] }));
  try {
    for (const group of groups) {
      assertDistinctPaths(group.items);
      await mkdir(group.dir, { recursive: true });
    }
    await Promise.all(
      groups.map((group) =>
        isModel ? stageModelGroup(state, name, uri, group.dir, group.items, progress) : placeGroup(state, name, group.dir, group.items, progress),
      ),
    );
  } catch (error) {
    if (error instanceof ChannelDataError || options.signal?.aborted) throw error;
    fail((error as Error).message, error);
  }
  progress.done();
  for (const group of groups) {
    for (const host of group.hosts) {
      await mkdir(hostChannelPath(options.hostDirs[host]!, name), { recursive: true });
      state.binds[host]!.push({ source: group.dir, target: channelTarget(name), readOnly: true });
    }
  }
}

/** Binds an existing local directory or file without copying it. */
async function bindLocalSource(state: StageState, name: string, uri: string, source: ChannelSource & { path: string }): Promise<void> {
  const { hostDirs } = state.options;
  if (source.type === 'local-dir') {
    if (!(await containsFile(source.path))) {
      throw new ChannelDataError(name, uri, `no files found in ${source.path} (SageMaker fails a job whose channel has no objects)`);
    }
    for (const [i, hostDir] of hostDirs.entries()) {
      await mkdir(hostChannelPath(hostDir, name), { recursive: true });
      state.binds[i]!.push({ source: source.path, target: channelTarget(name), readOnly: true });
    }
    return;
  }
  const base = path.basename(source.path);
  for (const [i, hostDir] of hostDirs.entries()) {
    const dir = hostChannelPath(hostDir, name);
    await mkdir(dir, { recursive: true });
    // The engine needs an existing mount point of the same kind (a file) inside the /opt/ml bind.
    await writeFile(path.join(dir, base), '', { flag: 'a' });
    state.binds[i]!.push({ source: source.path, target: `${channelTarget(name)}/${base}`, readOnly: true });
  }
}

async function placeGroup(
  state: StageState,
  name: string,
  dir: string,
  items: readonly DataItem[],
  progress: ChannelProgress,
  onExisting?: (item: DataItem, destination: string) => void,
): Promise<void> {
  await placeItems(items, dir, {
    s3: state.options.s3,
    limiter: state.limiter,
    progress,
    signal: state.options.signal,
    onCopied: (item, reason) =>
      state.options.events.warnOnce(
        `channel "${name}": files such as ${describeItem(item)} were copied into the job's work directory because they cannot be hard-linked there (${reason})`,
      ),
    ...(onExisting ? { onExisting } : {}),
  });
}

/**
 * A model channel: archives are placed aside and extracted into the (still empty) channel
 * directory first, then the other files and the archives themselves are added next to the
 * extracted tree. Extracting first means nothing is ever written through a hard link to the
 * user's own files.
 */
async function stageModelGroup(
  state: StageState,
  name: string,
  uri: string,
  dir: string,
  items: readonly DataItem[],
  progress: ChannelProgress,
): Promise<void> {
  const archives = items.filter((item) => ARCHIVE.test(item.relativePath));
  const others = items.filter((item) => !ARCHIVE.test(item.relativePath));
  const aside = `${dir}.archives`;
  await placeGroup(state, name, aside, archives, progress);
  for (const archive of archives) {
    const file = path.join(aside, ...archive.relativePath.split('/'));
    try {
      await extractTar(createReadStream(file), dir, state.options.signal);
    } catch (error) {
      if (state.options.signal?.aborted) throw error;
      throw new ChannelDataError(name, uri, `cannot extract the model archive ${describeItem(archive)}: ${(error as Error).message}`, error);
    }
  }
  const keepExtracted = (item: DataItem, destination: string) =>
    state.options.events.warnOnce(
      `channel "${name}": ${describeItem(item)} is not placed at ${path.relative(dir, destination)} because the extracted model archive has a file there`,
    );
  await placeGroup(state, name, dir, others, progress, keepExtracted);
  for (const archive of archives) {
    const from = path.join(aside, ...archive.relativePath.split('/'));
    const to = path.join(dir, ...archive.relativePath.split('/'));
    if (
      await lstat(to).then(
        () => true,
        () => false,
      )
    ) {
      keepExtracted(archive, to);
      continue;
    }
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
  await rm(aside, { recursive: true, force: true });
}

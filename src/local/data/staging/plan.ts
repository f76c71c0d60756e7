/**
 * The plan of one input channel, computed before anything is staged: every check SageMaker (or
 * the local backend) makes, and what the channel needs — which strategy stages it and which items
 * each host gets. Executing a plan (see `dispatch.ts`) then only creates FIFOs, binds, links and
 * downloads; it decides nothing.
 *
 * Strategies:
 * - `pipe`: Pipe mode, FIFOs fed once the container runs (`pipe.ts`);
 * - `bind`: File/FastFile mode, an existing `file://` directory or file shared by every host,
 *   bind-mounted as it is (`bind.ts`);
 * - `copy`: File/FastFile mode, any other selection put together in the work directory (`copy.ts`);
 * - `model`: a model channel, staged like `copy` with its archives extracted (`model.ts`).
 * FastFile streams lazily on SageMaker; locally the files are simply there, so it is staged as File.
 */
import path from 'node:path';
import type { Channel, S3DataSource } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import { listAugmentedManifest } from '../augmented-manifest.js';
import { assignToHosts, type Distribution, shuffleItems } from '../distribution.js';
import { CHANNEL_NAME_PATTERN, MODEL_CONTENT_TYPE } from '../../../sagemaker-contract.js';
import { ChannelDataError, type ChannelRef, channelError } from '../errors.js';
import { assertDistinctPaths, describeItem } from '../placement.js';
import { RECORDIO_MAX_LENGTH } from '../recordio.js';
import { type ChannelSource, classifySource, containsFile, type DataItem, listItems, type SourceContext } from '../sources.js';

const INPUT_MODES = new Set(['File', 'Pipe', 'FastFile']);
const DISTRIBUTIONS = new Set(['FullyReplicated', 'ShardedByS3Key']);

/** A channel's settings, checked. */
export interface ChannelSettings extends ChannelRef {
  mode: 'File' | 'Pipe' | 'FastFile';
  distribution: Distribution;
  gzip: boolean;
  recordIO: boolean;
  isModel: boolean;
  /** `ShuffleConfig.Seed`. */
  seed: number | undefined;
  source: S3DataSource;
}

/** A directory staged once and bound into some hosts (all of them for FullyReplicated). */
export interface StagingDir {
  dir: string;
  items: DataItem[];
  hosts: number[];
}

/** What staging one channel takes. */
export type ChannelPlan =
  | (ChannelSettings & {
      strategy: 'pipe';
      /** Host i's items, in feeding order. */
      shares: DataItem[][];
      /** The same, grouped as shuffled between epochs (an augmented manifest line stays whole). */
      unitShares: DataItem[][][];
    })
  | (ChannelSettings & { strategy: 'bind'; local: Extract<ChannelSource, { type: 'local-dir' | 'local-file' }> })
  | (ChannelSettings & StagingDirs & { strategy: 'copy' })
  | (ChannelSettings & StagingDirs & { strategy: 'model' });

/** The directories a `copy` or `model` channel is put together in. */
interface StagingDirs {
  dirs: StagingDir[];
  /** Bytes to transfer, when every item's size is known. */
  totalBytes: number | undefined;
}

/** The strategies, by name. */
export type Strategy = ChannelPlan['strategy'];

/** What planning needs besides the channel. */
export interface PlanContext {
  /** `TrainingInputMode` of the job, every channel's default. */
  jobInputMode: string;
  hostCount: number;
  /** Where the job's `copy`/`model` channels are put together. */
  stagingRoot: string;
  s3: () => S3Client;
  signal?: AbortSignal | undefined;
  warn: (message: string) => void;
  /** `local.allowManifestLocalPaths`. */
  allowManifestLocalPaths?: boolean | undefined;
}

/**
 * The checks that need nothing but the channel itself. Throws a {@link ChannelDataError} naming
 * the channel (and its URI once known).
 */
export function checkChannel(channel: Channel, jobInputMode: string): ChannelSettings {
  const name = channel.ChannelName ?? '';
  if (!CHANNEL_NAME_PATTERN.test(name)) {
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
  const source = channel.DataSource?.S3DataSource;
  if (!source?.S3Uri) {
    throw new ChannelDataError(name, undefined, 'only S3DataSource channels (s3:// or file:// URIs) are supported by the local backend');
  }
  const ref = { channel: name, uri: source.S3Uri };
  const mode = channel.InputMode ?? jobInputMode;
  if (!INPUT_MODES.has(mode)) throw channelError(ref, `unknown input mode ${JSON.stringify(mode)} (File, Pipe or FastFile)`);
  const distribution = source.S3DataDistributionType ?? 'FullyReplicated';
  if (!DISTRIBUTIONS.has(distribution)) throw channelError(ref, `unknown S3DataDistributionType ${JSON.stringify(distribution)}`);
  return {
    ...ref,
    mode: mode as ChannelSettings['mode'],
    distribution: distribution as Distribution,
    gzip: (channel.CompressionType ?? 'None') === 'Gzip',
    recordIO: (channel.RecordWrapperType ?? 'None') === 'RecordIO',
    isModel: channel.ContentType === MODEL_CONTENT_TYPE,
    seed: channel.ShuffleConfig?.Seed,
    source,
  };
}

/** Checks a channel, looks at its source and lists what each host gets. */
export async function planChannel(channel: Channel, plan: PlanContext): Promise<ChannelPlan> {
  const settings = checkChannel(channel, plan.jobInputMode);
  const { channel: name, mode } = settings;
  if (settings.source.InstanceGroupNames?.length) {
    plan.warn(`channel "${name}": InstanceGroupNames is ignored by the local backend (no heterogeneous clusters); every host gets the channel`);
  }
  const ctx: SourceContext = {
    channel: name,
    uri: settings.uri,
    s3: plan.s3,
    signal: plan.signal,
    attributeNames: settings.source.AttributeNames,
    allowManifestLocalPaths: plan.allowManifestLocalPaths,
  };
  const source = await classifySource(ctx, settings.source.S3DataType);
  if (source.type === 'augmented-manifest' && mode !== 'Pipe') {
    throw channelError(ctx, `an AugmentedManifestFile channel needs Pipe input mode (as on SageMaker), not ${mode}`);
  }
  if (mode === 'Pipe') return planPipe(settings, ctx, source, plan);
  warnPipeOnlyOptions(settings, plan.warn);
  if (!settings.isModel && settings.distribution === 'FullyReplicated' && (source.type === 'local-dir' || source.type === 'local-file')) {
    if (source.type === 'local-dir' && !(await containsFile(source.path))) {
      throw channelError(ctx, `no files found in ${source.path} (SageMaker fails a job whose channel has no objects)`);
    }
    return { ...settings, strategy: 'bind', local: source };
  }
  return planStagingDirs(settings, ctx, source, plan);
}

async function planPipe(settings: ChannelSettings, ctx: SourceContext, source: ChannelSource, plan: PlanContext): Promise<ChannelPlan> {
  const unitShares = await selectUnits(settings, ctx, source, plan);
  const shares = unitShares.map((share) => share.flat());
  if (settings.recordIO && !settings.gzip) {
    const big = shares.flat().find((item) => (item.size ?? 0) > RECORDIO_MAX_LENGTH);
    if (big) throw channelError(ctx, `${describeItem(big)} is larger than one RecordIO record can hold (${RECORDIO_MAX_LENGTH} bytes)`);
  }
  return { ...settings, strategy: 'pipe', shares, unitShares };
}

/** `CompressionType` and `RecordWrapperType` mean nothing outside Pipe mode, as on SageMaker. */
function warnPipeOnlyOptions({ channel, mode, gzip, recordIO }: ChannelSettings, warn: (message: string) => void): void {
  if (gzip) {
    warn(
      `channel "${channel}": CompressionType Gzip applies to Pipe mode only (as on SageMaker); in ${mode} mode the files are given as they are, still compressed`,
    );
  }
  if (recordIO) {
    warn(`channel "${channel}": RecordWrapperType RecordIO applies to Pipe mode only (as on SageMaker); ignored in ${mode} mode`);
  }
}

async function planStagingDirs(settings: ChannelSettings, ctx: SourceContext, source: ChannelSource, plan: PlanContext): Promise<ChannelPlan> {
  const shares = (await selectUnits(settings, ctx, source, plan)).map((share) => share.flat());
  const root = path.join(plan.stagingRoot, settings.channel);
  const replicated = settings.distribution === 'FullyReplicated';
  const dirs: StagingDir[] = replicated
    ? [{ dir: path.join(root, 'shared'), items: shares[0] ?? [], hosts: Array.from({ length: plan.hostCount }, (_, i) => i) }]
    : shares.map((items, i) => ({ dir: path.join(root, `algo-${i + 1}`), items, hosts: [i] }));
  for (const { items } of dirs) {
    try {
      assertDistinctPaths(items);
    } catch (error) {
      throw channelError(ctx, (error as Error).message, error);
    }
  }
  const all = shares.flat();
  const total = replicated ? (shares[0] ?? []) : all;
  const known = all.every((item) => item.size !== undefined);
  const totalBytes = known ? total.reduce((sum, item) => sum + (item.size ?? 0), 0) : undefined;
  return { ...settings, strategy: settings.isModel ? 'model' : 'copy', dirs, totalBytes };
}

/** Each host's units (an object, or an augmented manifest line with its attributes), shuffled and sharded as wholes. */
async function selectUnits(settings: ChannelSettings, ctx: SourceContext, source: ChannelSource, plan: PlanContext): Promise<DataItem[][][]> {
  const augmented = source.type === 'augmented-manifest';
  const units = augmented ? await listAugmentedManifest(ctx) : (await listItems(ctx, source)).map((item) => [item]);
  const { seed, distribution, channel } = settings;
  const shares = assignToHosts(seed === undefined ? units : shuffleItems(units, seed), plan.hostCount, distribution);
  const empty = shares.map((share, i) => (share.length === 0 ? `algo-${i + 1}` : '')).filter(Boolean);
  if (empty.length > 0) {
    const what = augmented ? 'manifest line(s)' : 'object(s)';
    plan.warn(`channel "${channel}": ${units.length} ${what} sharded over ${plan.hostCount} hosts leaves ${empty.join(', ')} without data`);
  }
  return shares;
}

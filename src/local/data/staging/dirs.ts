/**
 * Staging directories of the `copy` and `model` strategies: each is put together once in the
 * job's work directory — S3 objects downloaded (a few transfers at a time), local files
 * hard-linked — and then bind-mounted read-only into its hosts (every host for FullyReplicated).
 */
import { mkdir } from 'node:fs/promises';
import { ChannelDataError, channelError } from '../errors.js';
import { ChannelProgress, describeItem, placeItems } from '../placement.js';
import type { DataItem } from '../sources.js';
import type { ChannelPlan, StagingDir } from './plan.js';
import { channelTarget, hostChannelPath, type StageContext } from './staged.js';

/** A plan whose channel is put together in staging directories. */
export type DirsPlan = Extract<ChannelPlan, { strategy: 'copy' | 'model' }>;

/** How one staging directory is filled. */
export type FillDir = (staging: StagingDir, progress: ChannelProgress) => Promise<void>;

/** Fills every staging directory of the plan with `fill`, then binds each into its hosts. */
export async function stageDirs(plan: DirsPlan, ctx: StageContext, fill: FillDir): Promise<void> {
  const progress = new ChannelProgress(ctx.events, `${plan.channel} <- ${plan.uri}`, plan.totalBytes);
  try {
    for (const { dir } of plan.dirs) await mkdir(dir, { recursive: true });
    await Promise.all(plan.dirs.map((staging) => fill(staging, progress)));
  } catch (error) {
    if (error instanceof ChannelDataError || ctx.signal?.aborted) throw error;
    throw channelError(plan, (error as Error).message, error);
  }
  progress.done();
  for (const { dir, hosts } of plan.dirs) {
    for (const host of hosts) {
      await mkdir(hostChannelPath(ctx.hostDirs[host]!, plan.channel), { recursive: true });
      ctx.parts.binds[host]!.push({ source: dir, target: channelTarget(plan.channel), readOnly: true });
    }
  }
}

/**
 * Places `items` under `dir` for `channel`, warning once when files had to be copied because
 * they cannot be hard-linked. `onExisting` leaves existing destinations alone (see `placeItems`).
 */
export async function placeChannelItems(
  channel: string,
  items: readonly DataItem[],
  dir: string,
  progress: ChannelProgress,
  ctx: StageContext,
  onExisting?: (item: DataItem, destination: string) => void,
): Promise<void> {
  await placeItems(items, dir, {
    s3: ctx.s3,
    limiter: ctx.limiter,
    progress,
    signal: ctx.signal,
    onCopied: (item, reason) =>
      ctx.events.warnOnce(
        `channel "${channel}": files such as ${describeItem(item)} were copied into the job's work directory because they cannot be hard-linked there (${reason})`,
      ),
    ...(onExisting ? { onExisting } : {}),
  });
}

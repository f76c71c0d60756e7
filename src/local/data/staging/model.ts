/**
 * The `model` strategy (`ContentType: application/x-sagemaker-model`): as on SageMaker the object
 * (e.g. `model.tar.gz`) is placed in the channel directory; sagekit additionally extracts every
 * `.tar.gz`/`.tgz` into that same directory (refusing entries that would escape it), so a
 * container can load the model without unpacking it. An extracted path wins over a file of the
 * same name from the channel, with a warning.
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { extractTar } from '../../../archive/extract.js';
import { channelError } from '../errors.js';
import { type ChannelProgress, describeItem } from '../placement.js';
import type { DataItem } from '../sources.js';
import { type DirsPlan, placeChannelItems, stageDirs } from './dirs.js';
import type { ChannelPlan, StagingDir } from './plan.js';
import type { StageContext } from './staged.js';

const ARCHIVE = /\.(tar\.gz|tgz)$/i;

type ModelPlan = Extract<ChannelPlan, { strategy: 'model' }>;

/** Stages a `model` plan: its staging directories filled by {@link fillModelDir}. */
export function stageModel(plan: ModelPlan, ctx: StageContext): Promise<void> {
  return stageDirs(plan, ctx, (staging, progress) => fillModelDir(plan, staging, progress, ctx));
}

/**
 * Archives are placed aside and extracted into the (still empty) channel directory first, then
 * the other files and the archives themselves are added next to the extracted tree. Extracting
 * first means nothing is ever written through a hard link to the user's own files.
 */
async function fillModelDir(plan: DirsPlan, { dir, items }: StagingDir, progress: ChannelProgress, ctx: StageContext): Promise<void> {
  const archives = items.filter((item) => ARCHIVE.test(item.relativePath));
  const others = items.filter((item) => !ARCHIVE.test(item.relativePath));
  const aside = `${dir}.archives`;
  await placeChannelItems(plan.channel, archives, aside, progress, ctx);
  for (const archive of archives) await extractArchive(plan, archive, path.join(aside, ...archive.relativePath.split('/')), dir, ctx);
  const keepExtracted = (item: DataItem, destination: string) =>
    ctx.events.warnOnce(
      `channel "${plan.channel}": ${describeItem(item)} is not placed at ${path.relative(dir, destination)} because the extracted model archive has a file there`,
    );
  await placeChannelItems(plan.channel, others, dir, progress, ctx, keepExtracted);
  for (const archive of archives) {
    const from = path.join(aside, ...archive.relativePath.split('/'));
    const to = path.join(dir, ...archive.relativePath.split('/'));
    if (await exists(to)) {
      keepExtracted(archive, to);
      continue;
    }
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
  await rm(aside, { recursive: true, force: true });
}

async function extractArchive(plan: DirsPlan, archive: DataItem, file: string, dir: string, ctx: StageContext): Promise<void> {
  try {
    await extractTar(createReadStream(file), dir, ctx.signal);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    throw channelError(plan, `cannot extract the model archive ${describeItem(archive)}: ${(error as Error).message}`, error);
  }
}

function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The `copy` strategy: a selection that is not one existing local directory or file (`s3://`
 * prefixes and manifests, `ShardedByS3Key` shares, `file://` name prefixes) is placed as it is in
 * staging directories (see `dirs.ts`).
 */
import type { ChannelPlan } from './plan.js';
import { placeChannelItems, stageDirs } from './dirs.js';
import type { StageContext } from './staged.js';

/** Stages a `copy` plan. */
export function stageCopy(plan: Extract<ChannelPlan, { strategy: 'copy' }>, ctx: StageContext): Promise<void> {
  return stageDirs(plan, ctx, (staging, progress) => placeChannelItems(plan.channel, staging.items, staging.dir, progress, ctx));
}

/**
 * The `pipe` strategy: FIFOs `/opt/ml/input/data/<channel>_<epoch>` per host, made now (`_0` and
 * `_1`, later epochs when a reader moves on, see `epoch-server.ts`) and fed once the container
 * runs (`StagedInputs.feedPipes`, `pipe-feed.ts`).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { epochFifo } from '../epoch-server.js';
import { FifoCopier } from '../fifo-copier.js';
import { canUseCopier, type PipeSpec } from '../pipe-feed.js';
import type { LocalItem } from '../sources.js';
import type { ChannelPlan } from './plan.js';
import { hostChannelPath, type StageContext } from './staged.js';

/** Pipe copiers whose worker starts during staging (~9 MB each); later ones start when fed. */
const EAGER_COPIERS = 8;

type PipePlan = Extract<ChannelPlan, { strategy: 'pipe' }>;

/** Makes every host's first two FIFOs and records what feeding them takes. */
export async function stagePipe(plan: PipePlan, ctx: StageContext): Promise<void> {
  for (const [i, hostDir] of ctx.hostDirs.entries()) {
    const fifoBase = hostChannelPath(hostDir, plan.channel);
    const fifo = epochFifo(fifoBase, 0);
    await mkdir(path.dirname(fifo), { recursive: true });
    await ctx.parts.addFifo(fifo);
    await ctx.parts.addFifo(epochFifo(fifoBase, 1));
    const items = plan.shares[i] ?? [];
    const copier = copierFor(plan, fifo, items, ctx);
    ctx.parts.pipes[i]!.push({
      channel: plan.channel,
      uri: plan.uri,
      fifo,
      fifoBase,
      epoch: 0,
      host: `algo-${i + 1}`,
      items,
      units: plan.unitShares[i] ?? [],
      gzip: plan.gzip,
      recordIO: plan.recordIO,
      ...(plan.seed !== undefined && { shuffleSeed: plan.seed }),
      ...(copier ? { copier } : {}),
    });
  }
}

/** The worker fast path for a pipe of local files (undefined when it cannot take it). */
function copierFor(plan: PipePlan, fifo: string, items: PipeSpec['items'], ctx: StageContext): FifoCopier | undefined {
  if (!canUseCopier(items, plan.gzip)) return undefined;
  const eager = ctx.parts.copiers.length < EAGER_COPIERS;
  const copier = new FifoCopier(
    fifo,
    items.map((item) => (item as LocalItem).path),
    plan.recordIO,
    { eager },
  );
  ctx.parts.copiers.push(copier);
  return copier;
}

/**
 * One dispatcher over the staging strategies: each plan goes to the strategy it names. A new
 * input mode or channel kind is a new strategy module plus one line here (and its plan in
 * `plan.ts`).
 */
import { stageBind } from './bind.js';
import { stageCopy } from './copy.js';
import { stageModel } from './model.js';
import { stagePipe } from './pipe.js';
import type { ChannelPlan, Strategy } from './plan.js';
import type { StageContext } from './staged.js';

type Executor<S extends Strategy> = (plan: Extract<ChannelPlan, { strategy: S }>, ctx: StageContext) => Promise<void>;

const STRATEGIES: { [S in Strategy]: Executor<S> } = {
  pipe: stagePipe,
  bind: stageBind,
  copy: stageCopy,
  model: stageModel,
};

/** Executes one channel's plan: FIFOs, binds, links, downloads. */
export function executePlan(plan: ChannelPlan, ctx: StageContext): Promise<void> {
  const execute = STRATEGIES[plan.strategy] as Executor<Strategy>;
  return execute(plan as never, ctx);
}

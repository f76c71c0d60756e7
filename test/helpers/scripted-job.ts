/**
 * A scripted SageMaker training job for tests: each DescribeTrainingJob answer advances one step,
 * log lines appear with their step, and CloudWatch Logs answers page through them. Used by the
 * in-process AWS tests (mocked client instances) and by the CLI subprocess mock (mocked classes).
 */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse, SecondaryStatus, TrainingJobStatus } from '@aws-sdk/client-sagemaker';

/** One DescribeTrainingJob answer; the last one repeats. */
export interface ScenarioStep {
  status: TrainingJobStatus;
  secondary: SecondaryStatus;
  /** Log lines that appear at this step, per stream (`<job>/algo-N-<id>`). */
  logs?: Record<string, string[]>;
  /** More fields of the describe document (FailureReason, metrics, times …); `…Time` strings become dates. */
  extra?: Record<string, unknown>;
}

/** Epoch ms of the job's CreationTime; transitions and log events follow it. */
export const SCRIPTED_JOB_CREATED = 1_700_000_000_000;
const START = SCRIPTED_JOB_CREATED;
/** Small pages, so callers must follow nextForwardToken. */
const PAGE = 2;

export class ScriptedJob {
  /** The CreateTrainingJob request, when one was made: its settings show in describe answers. */
  created: CreateTrainingJobRequest | undefined;
  private step = -1;
  private afterStop = -1;
  private readonly logged = new Set<number>();
  private readonly streams = new Map<string, string[]>();
  private readonly transitions: Array<{ Status: SecondaryStatus; StartTime: Date; StatusMessage: string }> = [];

  /** With `untilStopped`, the last step repeats until {@link stop}, then Stopping and Stopped follow. */
  constructor(
    readonly jobName: string,
    private readonly steps: ScenarioStep[],
    private readonly untilStopped = false,
  ) {}

  /** StopTrainingJob arrived. */
  stop(): void {
    if (this.afterStop < 0) this.afterStop = 0;
  }

  private next(): ScenarioStep {
    if (this.untilStopped && this.afterStop >= 0) {
      this.afterStop++;
      return this.afterStop === 1 ? { status: 'Stopping', secondary: 'Stopping' } : { status: 'Stopped', secondary: 'Stopped' };
    }
    this.step = Math.min(this.step + 1, this.steps.length - 1);
    if (!this.logged.has(this.step)) {
      this.logged.add(this.step);
      for (const [stream, lines] of Object.entries(this.steps[this.step]!.logs ?? {}))
        this.streams.set(stream, [...(this.streams.get(stream) ?? []), ...lines]);
    }
    return this.steps[this.step]!;
  }

  /** The next DescribeTrainingJob answer. */
  describe(): DescribeTrainingJobResponse {
    const now = this.next();
    if (this.transitions.at(-1)?.Status !== now.secondary) {
      this.transitions.push({ Status: now.secondary, StartTime: new Date(START + this.transitions.length * 1000), StatusMessage: `now ${now.secondary}` });
    }
    const extra = Object.fromEntries(
      Object.entries(now.extra ?? {}).map(([key, value]) => [key, key.endsWith('Time') && typeof value === 'string' ? new Date(value) : value]),
    );
    const created = this.created;
    return {
      TrainingJobName: this.jobName,
      TrainingJobStatus: now.status,
      SecondaryStatus: now.secondary,
      SecondaryStatusTransitions: [...this.transitions],
      CreationTime: new Date(START),
      ...(created && {
        AlgorithmSpecification: created.AlgorithmSpecification,
        RoleArn: created.RoleArn,
        ResourceConfig: created.ResourceConfig,
        OutputDataConfig: created.OutputDataConfig,
        StoppingCondition: created.StoppingCondition,
      }),
      ...extra,
    } as DescribeTrainingJobResponse;
  }

  /** DescribeLogStreams: the streams so far, newest first (callers must not rely on order). */
  describeLogStreams(input: { logStreamNamePrefix?: string }) {
    const names = [...this.streams.keys()].filter((name) => !input.logStreamNamePrefix || name.startsWith(input.logStreamNamePrefix));
    if (!names.length) throw Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' });
    return { logStreams: names.reverse().map((logStreamName) => ({ logStreamName })) };
  }

  /** GetLogEvents: one small page from `nextToken` on. */
  getLogEvents(input: { logStreamName: string; nextToken?: string }) {
    const all = this.streams.get(input.logStreamName) ?? [];
    const from = input.nextToken ? Number(input.nextToken.split('/')[1]) : 0;
    const page = all.slice(from, from + PAGE);
    return {
      events: page.map((message, i) => ({ message: `${message}\n`, timestamp: START + from + i })),
      nextForwardToken: `f/${from + page.length}`,
    };
  }
}

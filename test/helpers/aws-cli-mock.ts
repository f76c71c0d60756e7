/**
 * Scripted SageMaker, CloudWatch Logs, STS and IAM for the real CLI binary in a subprocess.
 * Loaded with `node --import tsx --import <this file>` (see `awsCliNodeArgs`), it installs
 * aws-sdk-client-mock on the client classes, so every client the CLI makes answers from the
 * scenario in `$SAGEKIT_TEST_AWS_SCENARIO`. S3 is not mocked: the CLI talks to s3rver through
 * AWS_ENDPOINT_URL_S3. Each call's command and input is appended to the scenario's `calls` file
 * (JSON lines) for the test to read.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CreateTrainingJobCommand,
  DescribeTrainingJobCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  StopTrainingJobCommand,
  type CreateTrainingJobRequest,
  type DescribeTrainingJobResponse,
  type SecondaryStatus,
  type TrainingJobStatus,
} from '@aws-sdk/client-sagemaker';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';

/** One DescribeTrainingJob answer; each call advances one step (the last one repeats). */
export interface ScenarioStep {
  status: TrainingJobStatus;
  secondary: SecondaryStatus;
  /** Log lines that appear at this step, per stream (`<job>/algo-N-<id>`). */
  logs?: Record<string, string[]>;
  /** More fields of the describe document (FailureReason, metrics, times …); dates as ISO strings. */
  extra?: Record<string, unknown>;
}

/** What the scripted AWS knows. */
export interface AwsScenario {
  account: string;
  /** The one training job there is (its name; CreateTrainingJob must use it). */
  jobName: string;
  steps: ScenarioStep[];
  /** Keep repeating the last step until StopTrainingJob, then answer Stopping and Stopped. */
  untilStopped?: boolean;
  /** IAM role name → ARN. */
  roles?: Record<string, string>;
  /** JSON-lines file receiving `{ command, input }` of every call. */
  calls: string;
}

/** Node arguments that load this mock (TypeScript, through tsx) into a CLI subprocess started in any directory. */
export const awsCliNodeArgs = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, '--import', pathToFileURL(import.meta.filename).href];

/** The calls a subprocess made, in order. */
export function readCalls(file: string): Array<{ command: string; input: Record<string, any> }> {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { command: string; input: Record<string, any> });
  } catch {
    return [];
  }
}

const notFound = () => Object.assign(new Error('Requested resource not found.'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

function install(scenario: AwsScenario): void {
  const record = (command: string, input: unknown) => appendFileSync(scenario.calls, `${JSON.stringify({ command, input })}\n`);
  let created: CreateTrainingJobRequest | undefined;
  let step = -1;
  let stopRequested = false;
  let afterStop = 0;
  const streams = new Map<string, string[]>();
  const transitions: Array<{ Status: SecondaryStatus; StartTime: Date; StatusMessage: string }> = [];
  const start = Date.parse('2026-11-25T10:00:00Z');

  const current = (): ScenarioStep => {
    if (stopRequested && scenario.untilStopped) {
      afterStop++;
      return afterStop === 1 ? { status: 'Stopping', secondary: 'Stopping' } : { status: 'Stopped', secondary: 'Stopped' };
    }
    step = Math.min(step + 1, scenario.steps.length - 1);
    return scenario.steps[step]!;
  };
  const describe = (): DescribeTrainingJobResponse => {
    const now = current();
    if (transitions.at(-1)?.Status !== now.secondary) {
      transitions.push({ Status: now.secondary, StartTime: new Date(start + transitions.length * 1000), StatusMessage: `now ${now.secondary}` });
    }
    for (const [stream, lines] of Object.entries(now.logs ?? {})) {
      const seen = (now as { logged?: boolean }).logged;
      if (!seen) streams.set(stream, [...(streams.get(stream) ?? []), ...lines]);
    }
    (now as { logged?: boolean }).logged = true;
    const extra = Object.fromEntries(
      Object.entries(now.extra ?? {}).map(([key, value]) => [key, /Time$/.test(key) && typeof value === 'string' ? new Date(value) : value]),
    );
    return {
      TrainingJobName: scenario.jobName,
      TrainingJobArn: `arn:aws:sagemaker:us-west-2:${scenario.account}:training-job/${scenario.jobName}`,
      TrainingJobStatus: now.status,
      SecondaryStatus: now.secondary,
      SecondaryStatusTransitions: [...transitions],
      CreationTime: new Date(start),
      ...(created && {
        AlgorithmSpecification: created.AlgorithmSpecification,
        RoleArn: created.RoleArn,
        ResourceConfig: created.ResourceConfig,
        OutputDataConfig: created.OutputDataConfig,
        StoppingCondition: created.StoppingCondition,
      }),
      ...extra,
    } as DescribeTrainingJobResponse;
  };

  const sagemaker = mockClient(SageMakerClient);
  sagemaker.on(CreateTrainingJobCommand).callsFake((input: CreateTrainingJobRequest) => {
    record('CreateTrainingJob', input);
    if (input.TrainingJobName !== scenario.jobName) throw new Error(`scenario expects job ${scenario.jobName}, got ${input.TrainingJobName}`);
    created = input;
    return { TrainingJobArn: `arn:aws:sagemaker:us-west-2:${scenario.account}:training-job/${input.TrainingJobName}` };
  });
  sagemaker.on(DescribeTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    if (input.TrainingJobName !== scenario.jobName) throw notFound();
    return describe();
  });
  sagemaker.on(StopTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    record('StopTrainingJob', input);
    if (input.TrainingJobName !== scenario.jobName) throw notFound();
    stopRequested = true;
    return {};
  });
  sagemaker.on(ListTrainingJobsCommand).callsFake((input: { StatusEquals?: string }) => {
    record('ListTrainingJobs', input);
    const last = scenario.steps.at(-1)!;
    if (input.StatusEquals && input.StatusEquals !== last.status) return { TrainingJobSummaries: [] };
    return {
      TrainingJobSummaries: [
        {
          TrainingJobName: scenario.jobName,
          TrainingJobArn: `arn:aws:sagemaker:us-west-2:${scenario.account}:training-job/${scenario.jobName}`,
          CreationTime: new Date(start),
          TrainingEndTime: new Date(start + 90_000),
          TrainingJobStatus: last.status,
        },
      ],
    };
  });

  const logs = mockClient(CloudWatchLogsClient);
  logs.on(DescribeLogStreamsCommand).callsFake((input: { logStreamNamePrefix?: string }) => {
    const names = [...streams.keys()].filter((name) => !input.logStreamNamePrefix || name.startsWith(input.logStreamNamePrefix));
    if (!names.length) throw Object.assign(new Error('The specified log group does not exist.'), { name: 'ResourceNotFoundException' });
    return { logStreams: names.map((logStreamName) => ({ logStreamName })) };
  });
  logs.on(GetLogEventsCommand).callsFake((input: { logStreamName: string; nextToken?: string }) => {
    const all = streams.get(input.logStreamName) ?? [];
    const from = input.nextToken ? Number(input.nextToken.split('/')[1]) : 0;
    const page = all.slice(from, from + 3);
    return {
      events: page.map((message, i) => ({ message: `${message}\n`, timestamp: start + 5000 + from + i })),
      nextForwardToken: `f/${from + page.length}`,
    };
  });

  mockClient(STSClient)
    .on(GetCallerIdentityCommand)
    .resolves({ Account: scenario.account, Arn: `arn:aws:sts::${scenario.account}:assumed-role/Dev/session` });
  mockClient(IAMClient)
    .on(GetRoleCommand)
    .callsFake((input: { RoleName: string }) => {
      const arn = scenario.roles?.[input.RoleName];
      if (!arn) throw Object.assign(new Error(`The role with name ${input.RoleName} cannot be found.`), { name: 'NoSuchEntityException' });
      return { Role: { RoleName: input.RoleName, Arn: arn, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date(start) } };
    });
}

const scenarioFile = process.env.SAGEKIT_TEST_AWS_SCENARIO;
if (scenarioFile) install(JSON.parse(readFileSync(scenarioFile, 'utf8')) as AwsScenario);

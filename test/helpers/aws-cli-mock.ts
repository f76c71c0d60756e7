/**
 * Scripted SageMaker, CloudWatch Logs, STS and IAM for the real CLI binary in a subprocess.
 * Loaded with `node --import tsx --import <this file>` (see `awsCliNodeArgs`), it installs
 * aws-sdk-client-mock on the client classes, so every client the CLI makes answers from the
 * scenario in `$SAGEKIT_TEST_AWS_SCENARIO`. S3 is not mocked: the CLI talks to sagekit's S3 store through
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
} from '@aws-sdk/client-sagemaker';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { SCRIPTED_JOB_CREATED, ScriptedJob, type ScenarioStep } from './scripted-job.js';

export type { ScenarioStep } from './scripted-job.js';

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
export const awsCliNodeArgs = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  '--import',
  pathToFileURL(import.meta.filename).href,
];

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
  const job = new ScriptedJob(scenario.jobName, scenario.steps, scenario.untilStopped);
  const arn = `arn:aws:sagemaker:us-west-2:${scenario.account}:training-job/${scenario.jobName}`;
  const ours = (name: string) => {
    if (name !== scenario.jobName) throw notFound();
  };

  const sagemaker = mockClient(SageMakerClient);
  sagemaker.on(CreateTrainingJobCommand).callsFake((input: CreateTrainingJobRequest) => {
    record('CreateTrainingJob', input);
    if (input.TrainingJobName !== scenario.jobName) throw new Error(`scenario expects job ${scenario.jobName}, got ${input.TrainingJobName}`);
    job.created = input;
    return { TrainingJobArn: arn };
  });
  sagemaker.on(DescribeTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    ours(input.TrainingJobName);
    return { ...job.describe(), TrainingJobArn: arn };
  });
  sagemaker.on(StopTrainingJobCommand).callsFake((input: { TrainingJobName: string }) => {
    record('StopTrainingJob', input);
    ours(input.TrainingJobName);
    job.stop();
    return {};
  });
  sagemaker.on(ListTrainingJobsCommand).callsFake((input: { StatusEquals?: string }) => {
    record('ListTrainingJobs', input);
    const last = scenario.steps.at(-1)!;
    if (input.StatusEquals && input.StatusEquals !== last.status) return { TrainingJobSummaries: [] };
    const created = new Date(SCRIPTED_JOB_CREATED);
    return {
      TrainingJobSummaries: [
        {
          TrainingJobName: scenario.jobName,
          TrainingJobArn: arn,
          CreationTime: created,
          TrainingEndTime: new Date(created.getTime() + 90_000),
          TrainingJobStatus: last.status,
        },
      ],
    };
  });

  const logs = mockClient(CloudWatchLogsClient);
  logs.on(DescribeLogStreamsCommand).callsFake((input: { logStreamNamePrefix?: string }) => job.describeLogStreams(input));
  logs.on(GetLogEventsCommand).callsFake((input: { logStreamName: string; nextToken?: string }) => job.getLogEvents(input));

  mockClient(STSClient)
    .on(GetCallerIdentityCommand)
    .resolves({ Account: scenario.account, Arn: `arn:aws:sts::${scenario.account}:assumed-role/Dev/session` });
  mockClient(IAMClient)
    .on(GetRoleCommand)
    .callsFake((input: { RoleName: string }) => {
      const roleArn = scenario.roles?.[input.RoleName];
      if (!roleArn) throw Object.assign(new Error(`The role with name ${input.RoleName} cannot be found.`), { name: 'NoSuchEntityException' });
      return { Role: { RoleName: input.RoleName, Arn: roleArn, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date(0) } };
    });
}

const scenarioFile = process.env.SAGEKIT_TEST_AWS_SCENARIO;
if (scenarioFile) install(JSON.parse(readFileSync(scenarioFile, 'utf8')) as AwsScenario);

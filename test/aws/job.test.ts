/**
 * Cloud jobs against scripted SageMaker and CloudWatch Logs responses (aws-sdk-client-mock):
 * status transitions, multi-host logs with late and out-of-order streams, throttling, failure,
 * spot interruptions, stop, attach, list and CreateTrainingJob error mapping.
 */
import { describe, expect, it } from 'vitest';
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
import { attachAwsJob, listAwsJobs, spotSavings, startAwsJob } from '../../src/aws/index.js';
import { AwsTrainingJob } from '../../src/aws/job.js';
import { Session } from '../../src/aws/session.js';
import { EnvironmentError, NotFoundError, SagekitError, TrainingJobError, UsageError } from '../../src/errors.js';
import { JobEvents } from '../../src/events.js';
import { recordingEvents } from '../helpers/job-events.js';
import { ScriptedJob, type ScenarioStep } from '../helpers/scripted-job.js';

const FAST = { describeIntervalMs: 2, minDelayMs: 1, maxDelayMs: 4, retryBaseMs: 1 };
const JOB = 'cloud-job-1';

/** A scripted job (test/helpers/scripted-job.ts) behind mocked SageMaker, CloudWatch Logs and STS clients. */
function scripted(steps: ScenarioStep[]) {
  const sagemaker = new SageMakerClient({ region: 'us-west-2' });
  const logs = new CloudWatchLogsClient({ region: 'us-west-2' });
  const sts = new STSClient({ region: 'us-west-2' });
  const smMock = mockClient(sagemaker);
  const logsMock = mockClient(logs);
  mockClient(sts).on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
  const job = new ScriptedJob(JOB, steps);
  smMock.on(DescribeTrainingJobCommand).callsFake(() => job.describe());
  logsMock.on(DescribeLogStreamsCommand).callsFake((input: { logStreamNamePrefix?: string }) => job.describeLogStreams(input));
  logsMock.on(GetLogEventsCommand).callsFake((input: { logStreamName: string; nextToken?: string }) => job.getLogEvents(input));
  const session = new Session({ region: 'us-west-2', clients: { sagemaker, logs, sts } });
  return { session, smMock, logsMock, sagemaker };
}

describe('cloud jobs (scripted SageMaker and CloudWatch Logs)', () => {
  it('reports every transition in order and every log line of every host exactly once', async () => {
    const { session } = scripted([
      { status: 'InProgress', secondary: 'Starting' },
      { status: 'InProgress', secondary: 'Downloading' },
      { status: 'InProgress', secondary: 'Training', logs: { [`${JOB}/algo-1-100`]: ['a1', 'a2', 'a3'] } },
      // algo-2's stream appears late, with lines older than algo-1's newest.
      { status: 'InProgress', secondary: 'Training', logs: { [`${JOB}/algo-1-100`]: ['a4'], [`${JOB}/algo-2-100`]: ['b1', 'b2', 'b3', 'b4', 'b5'] } },
      { status: 'InProgress', secondary: 'Uploading', logs: { [`${JOB}/algo-2-100`]: ['b6'], [`${JOB}/algo-1-100`]: ['a5'] } },
      {
        status: 'Completed',
        secondary: 'Completed',
        logs: { [`${JOB}/algo-1-100`]: ['a6 last'] },
        extra: { BillableTimeInSeconds: 120, TrainingTimeInSeconds: 120 },
      },
    ]);
    const { events, ...seen } = recordingEvents();
    const job = new AwsTrainingJob(JOB, session, events, FAST);
    const doc = await job.wait();
    expect(doc.TrainingJobStatus).toBe('Completed');
    expect(seen.statuses.map((s) => s.secondaryStatus)).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(seen.statuses[1]!.message).toBe('now Downloading');
    const byHost = (host: string) => seen.logs.filter((l) => l.host === host).map((l) => l.message);
    expect(byHost('algo-1')).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'a6 last']);
    expect(byHost('algo-2')).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(seen.infos).toContain('billable seconds: 120');
  });

  it('retries throttled calls', async () => {
    const { session, smMock } = scripted([{ status: 'Completed', secondary: 'Completed' }]);
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const fake = smMock.commandCalls(DescribeTrainingJobCommand).length;
    smMock
      .on(DescribeTrainingJobCommand)
      .rejectsOnce(throttle)
      .rejectsOnce(throttle)
      .resolves({ TrainingJobName: JOB, TrainingJobStatus: 'Completed', SecondaryStatus: 'Completed' });
    const doc = await new AwsTrainingJob(JOB, session, new JobEvents(), FAST).wait({ logs: false });
    expect(doc.TrainingJobStatus).toBe('Completed');
    expect(smMock.commandCalls(DescribeTrainingJobCommand).length - fake).toBe(3);
  });

  it('a failed job raises TrainingJobError with the reason and the last log lines', async () => {
    const { session } = scripted([
      { status: 'InProgress', secondary: 'Training', logs: { [`${JOB}/algo-1-1`]: ['loading data', 'Traceback: boom'] } },
      { status: 'Failed', secondary: 'Failed', extra: { FailureReason: 'AlgorithmError: boom' } },
    ]);
    const error = await new AwsTrainingJob(JOB, session, new JobEvents(), FAST).wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingJobError);
    expect(error).toMatchObject({ status: 'Failed', failureReason: 'AlgorithmError: boom', exitCode: 1 });
    expect((error as TrainingJobError).lastLogLines).toEqual(['loading data', 'Traceback: boom']);
    expect((error as Error).message).toBe(`training job ${JOB} failed: AlgorithmError: boom`);
  });

  it('a spot job interrupted and restarted completes and reports its savings', async () => {
    const { session } = scripted([
      { status: 'InProgress', secondary: 'Starting' },
      { status: 'InProgress', secondary: 'Training' },
      { status: 'InProgress', secondary: 'Interrupted' },
      { status: 'InProgress', secondary: 'Restarting' },
      { status: 'InProgress', secondary: 'Training' },
      { status: 'Completed', secondary: 'Completed', extra: { EnableManagedSpotTraining: true, TrainingTimeInSeconds: 1000, BillableTimeInSeconds: 300 } },
    ]);
    const { events, ...seen } = recordingEvents();
    const doc = await new AwsTrainingJob(JOB, session, events, FAST).wait({ logs: false });
    expect(seen.statuses.map((s) => s.secondaryStatus)).toEqual(['Starting', 'Training', 'Interrupted', 'Restarting', 'Training', 'Completed']);
    expect(spotSavings(doc)).toBeCloseTo(0.7);
    expect(seen.infos).toContain('billable seconds: 300; managed spot training savings: 70.0%');
  });

  it('stop() during wait sends StopTrainingJob and the wait ends Stopped', async () => {
    const { session, smMock } = scripted([{ status: 'InProgress', secondary: 'Training' }]);
    const events = new JobEvents();
    const job = new AwsTrainingJob(JOB, session, events, FAST);
    smMock.on(StopTrainingJobCommand).callsFake(() => {
      smMock.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: JOB, TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped' });
      return {};
    });
    const waiting = job.wait({ logs: false }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await job.stop();
    const error = await waiting;
    expect(smMock.commandCalls(StopTrainingJobCommand)).toHaveLength(1);
    expect(error).toMatchObject({ name: 'TrainingJobError', status: 'Stopped' });
  });

  it('attach finds an existing job and says when there is none; list summarizes jobs', async () => {
    const { session, smMock } = scripted([{ status: 'InProgress', secondary: 'Training' }]);
    const job = await attachAwsJob(JOB, session, FAST);
    expect((await job.describe()).TrainingJobStatus).toBe('InProgress');
    smMock
      .on(DescribeTrainingJobCommand, { TrainingJobName: 'nope' })
      .rejects(Object.assign(new Error('Requested resource not found.'), { name: 'ValidationException' }));
    await expect(attachAwsJob('nope', session, FAST)).rejects.toBeInstanceOf(NotFoundError);

    smMock.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [
        { TrainingJobName: 'a', TrainingJobArn: 'arn:a', TrainingJobStatus: 'Completed', CreationTime: new Date(1000), TrainingEndTime: new Date(61_000) },
        { TrainingJobName: 'b', TrainingJobArn: 'arn:b', TrainingJobStatus: 'InProgress', CreationTime: new Date(500) },
      ],
    });
    const list = await listAwsJobs(session, { statusEquals: 'Completed', maxResults: 5 });
    expect(list[0]).toEqual({ name: 'a', backend: 'aws', status: 'Completed', creationTime: 1000, endTime: 61_000, durationSeconds: 60 });
    expect(smMock.commandCalls(ListTrainingJobsCommand)[0]!.args[0].input).toMatchObject({ StatusEquals: 'Completed', MaxResults: 5, SortOrder: 'Descending' });
  });

  describe('CreateTrainingJob errors name what to fix', () => {
    const request: CreateTrainingJobRequest = {
      TrainingJobName: JOB,
      RoleArn: 'arn:aws:iam::111122223333:role/R',
      AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: 's3://b/o' },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.p4d.24xlarge', VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 60 },
    };
    const cases: Array<[string, string, new (...args: never[]) => SagekitError, number, RegExp]> = [
      ['ResourceLimitExceeded', 'The account-level service limit was exceeded', EnvironmentError, 3, /ml\.p4d\.24xlarge for training job usage/],
      ['ResourceInUse', 'Training job names must be unique', UsageError, 2, /another --job-name/],
      [
        'AccessDeniedException',
        'not authorized to perform: sagemaker:CreateTrainingJob',
        EnvironmentError,
        3,
        /iam:PassRole on arn:aws:iam::111122223333:role\/R/,
      ],
      ['ValidationException', 'User is not authorized to perform: iam:PassRole on resource', EnvironmentError, 3, /trusts sagemaker\.amazonaws\.com/],
      ['ValidationException', '1 validation error detected: Value at hyperParameters failed', SagekitError, 2, /--dry-run/],
      ['ExpiredTokenException', 'The security token included in the request is expired', EnvironmentError, 3, /aws configure/],
    ];
    for (const [name, message, type, exitCode, hint] of cases) {
      it(`${name}: ${message.slice(0, 40)}`, async () => {
        const { session, smMock } = scripted([{ status: 'InProgress', secondary: 'Starting' }]);
        smMock.on(CreateTrainingJobCommand).rejects(Object.assign(new Error(message), { name }));
        const error = await startAwsJob({ request, events: new JobEvents(), session, timing: FAST }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(type);
        expect((error as SagekitError).exitCode).toBe(exitCode);
        expect((error as SagekitError).message).toContain(message);
        expect((error as SagekitError).hint).toMatch(hint);
      });
    }
  });
});

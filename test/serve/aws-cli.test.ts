/**
 * `sagekit serve` driven by Debian's AWS CLI: a two-host job from `s3 cp` of its data through
 * `create-training-job --cli-input-json` to its model.tar.gz in S3, its logs, listing, a stop, a
 * bad request, a duplicate and an unknown job — each answered the way SageMaker answers.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/local/engine/connect.js';
import { aws, awsJson, clientEnv, eventually, probeJob, removeDir, startServeProcess, tempDir, type ServeProcess } from './helpers.js';

let serve: ServeProcess;
let dir: string;
let env: NodeJS.ProcessEnv;

interface Describe {
  TrainingJobStatus: string;
  SecondaryStatus: string;
  TrainingJobArn: string;
  ModelArtifacts?: { S3ModelArtifacts: string };
  FinalMetricDataList?: Array<{ MetricName: string; Value: number }>;
  SecondaryStatusTransitions: Array<{ Status: string }>;
  CreationTime: string;
}

const describeJob = (name: string) => awsJson<Describe>(serve.url, ['sagemaker', 'describe-training-job', '--training-job-name', name], env);
const untilStatus = (name: string, statuses: string[]) =>
  eventually(
    async () => {
      const doc = await describeJob(name);
      return statuses.includes(doc.TrainingJobStatus) ? doc : undefined;
    },
    `${name} to reach ${statuses.join('/')}`,
  );

async function createJob(request: Record<string, unknown>) {
  const file = path.join(dir, `${String(request.TrainingJobName)}.json`);
  await writeFile(file, JSON.stringify(request));
  return aws(serve.url, ['sagemaker', 'create-training-job', '--cli-input-json', `file://${file}`, '--output', 'json'], env);
}

beforeAll(async () => {
  dir = await tempDir('sagekit-serve-cli-');
  env = await clientEnv(dir);
  serve = await startServeProcess(path.join(dir, 'state'), ['--account-id', '111122223333']);
  const data = path.join(dir, 'data');
  await mkdir(data);
  await writeFile(path.join(data, 'train.csv'), '1,2,3\n');
  expect((await aws(serve.url, ['s3', 'mb', 's3://bucket'], env)).code).toBe(0);
  const upload = await aws(serve.url, ['s3', 'cp', path.join(data, 'train.csv'), 's3://bucket/input/train/train.csv'], env);
  expect(upload.code, upload.stderr).toBe(0);
});

afterAll(async () => {
  await serve?.stop();
  await removeDir(dir);
});

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('sagekit serve with the AWS CLI', { timeout: 240_000 }, () => {
  it('runs a two-host job from create-training-job to model.tar.gz in S3', async () => {
    const created = await createJob(probeJob('cli-two-hosts', { hosts: 2 }));
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ TrainingJobArn: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/cli-two-hosts' });

    const done = await untilStatus('cli-two-hosts', ['Completed', 'Failed', 'Stopped']);
    expect(done.TrainingJobStatus).toBe('Completed');
    expect(done.SecondaryStatusTransitions.map((t) => t.Status)).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(done.FinalMetricDataList).toEqual([expect.objectContaining({ MetricName: 'train:loss', Value: 0.125 })]);
    expect(done.ModelArtifacts?.S3ModelArtifacts).toBe('s3://bucket/output/cli-two-hosts/output/model.tar.gz');

    const download = await aws(serve.url, ['s3', 'cp', done.ModelArtifacts!.S3ModelArtifacts, path.join(dir, 'model.tar.gz')], env);
    expect(download.code, download.stderr).toBe(0);
    const unpacked = path.join(dir, 'model');
    await mkdir(unpacked);
    execFileSync('tar', ['-xzf', path.join(dir, 'model.tar.gz'), '-C', unpacked]);
    for (const host of ['algo-1', 'algo-2']) {
      expect(await readFile(path.join(unpacked, host, 'model.txt'), 'utf8')).toBe(`model of ${host}\n`);
      // The channel's data came from the store: the probe lists what it found with checksums.
      expect(await readFile(path.join(unpacked, host, 'data.txt'), 'utf8')).toMatch(/^\.\/train\/train\.csv [0-9a-f]{32}\n$/);
      expect(JSON.parse(await readFile(path.join(unpacked, host, 'resourceconfig.json'), 'utf8'))).toMatchObject({
        current_host: host,
        hosts: ['algo-1', 'algo-2'],
        current_instance_type: 'ml.m5.xlarge',
      });
    }
  });

  it('answers get-log-events per host stream, forward tokens included', async () => {
    const { logStreams } = await awsJson<{ logStreams: Array<{ logStreamName: string }> }>(
      serve.url,
      ['logs', 'describe-log-streams', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name-prefix', 'cli-two-hosts/'],
      env,
    );
    expect(logStreams.map((s) => s.logStreamName)).toEqual([
      expect.stringMatching(/^cli-two-hosts\/algo-1-\d{10}$/),
      expect.stringMatching(/^cli-two-hosts\/algo-2-\d{10}$/),
    ]);
    const stream = logStreams[1]!.logStreamName;
    const args = ['logs', 'get-log-events', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name', stream];
    const first = await awsJson<{ events: Array<{ message: string }>; nextForwardToken: string }>(
      serve.url,
      [...args, '--start-from-head', '--limit', '2'],
      env,
    );
    expect(first.events.map((e) => e.message)).toEqual(['probe on algo-2 mode=normal', 'epoch=1 train_loss=0.5']);
    const rest = await awsJson<{ events: Array<{ message: string }>; nextForwardToken: string }>(
      serve.url,
      [...args, '--next-token', first.nextForwardToken],
      env,
    );
    expect(rest.events.map((e) => e.message)).toContain('done');
    expect(rest.events.map((e) => e.message)).not.toContain('epoch=1 train_loss=0.5');
    // At the end, CloudWatch hands back the same forward token.
    const end = await awsJson<{ events: unknown[]; nextForwardToken: string }>(serve.url, [...args, '--next-token', rest.nextForwardToken], env);
    expect(end).toMatchObject({ events: [], nextForwardToken: rest.nextForwardToken });
    const filtered = await awsJson<{ events: Array<{ logStreamName: string; message: string }> }>(
      serve.url,
      [
        'logs',
        'filter-log-events',
        '--log-group-name',
        '/aws/sagemaker/TrainingJobs',
        '--log-stream-name-prefix',
        'cli-two-hosts/',
        '--filter-pattern',
        '"probe on"',
      ],
      env,
    );
    expect(filtered.events.map((e) => e.message).sort()).toEqual(['probe on algo-1 mode=normal', 'probe on algo-2 mode=normal']);
  });

  it('stops a running job: Stopping, then Stopped with the artifacts so far', async () => {
    expect((await createJob(probeJob('cli-stop', { mode: 'sleep' }))).code).toBe(0);
    await untilStatus('cli-stop', ['InProgress']).then(() =>
      eventually(async () => ((await describeJob('cli-stop')).SecondaryStatus === 'Training' ? true : undefined), 'cli-stop to train'),
    );
    const stop = await aws(serve.url, ['sagemaker', 'stop-training-job', '--training-job-name', 'cli-stop'], env);
    expect(stop.code, stop.stderr).toBe(0);
    const stopped = await untilStatus('cli-stop', ['Stopped', 'Completed', 'Failed']);
    expect(stopped.TrainingJobStatus).toBe('Stopped');
    expect(stopped.ModelArtifacts?.S3ModelArtifacts).toBe('s3://bucket/output/cli-stop/output/model.tar.gz');
    const again = await aws(serve.url, ['sagemaker', 'stop-training-job', '--training-job-name', 'cli-stop'], env);
    expect(again.code).toBe(254);
    expect(again.stderr).toContain(
      '(ValidationException) when calling the StopTrainingJob operation: The request was rejected because the training job is in status Stopped.',
    );
  });

  it('lists jobs with filters, sorting and pagination', async () => {
    const all = await awsJson<{ TrainingJobSummaries: Array<{ TrainingJobName: string; TrainingJobStatus: string }> }>(
      serve.url,
      ['sagemaker', 'list-training-jobs', '--sort-by', 'Name', '--sort-order', 'Descending', '--page-size', '1'],
      env,
    );
    expect(all.TrainingJobSummaries.map((s) => s.TrainingJobName)).toEqual(['cli-two-hosts', 'cli-stop']);
    const stopped = await awsJson<{ TrainingJobSummaries: Array<{ TrainingJobName: string }> }>(
      serve.url,
      ['sagemaker', 'list-training-jobs', '--status-equals', 'Stopped', '--name-contains', 'CLI'],
      env,
    );
    expect(stopped.TrainingJobSummaries.map((s) => s.TrainingJobName)).toEqual(['cli-stop']);
    const future = await awsJson<{ TrainingJobSummaries: unknown[] }>(
      serve.url,
      ['sagemaker', 'list-training-jobs', '--creation-time-after', '2100-01-01T00:00:00Z'],
      env,
    );
    expect(future.TrainingJobSummaries).toEqual([]);
  });

  it('answers a bad request with ValidationException naming each field, and starts nothing', async () => {
    const bad = probeJob('bad_name!');
    (bad.StoppingCondition as Record<string, unknown>).MaxRuntimeInSeconds = 99_999_999;
    const result = await createJob(bad);
    expect(result.code).toBe(254);
    expect(result.stderr).toContain('An error occurred (ValidationException) when calling the CreateTrainingJob operation: 2 validation errors detected:');
    expect(result.stderr).toContain("Value 'bad_name!' at 'TrainingJobName' failed to satisfy constraint");
    expect(result.stderr).toContain(
      "Value '99999999' at 'StoppingCondition.MaxRuntimeInSeconds' failed to satisfy constraint: must be an integer between 1 and 2419200",
    );
    const { docker } = await connectEngine();
    expect(await docker.listContainers({ all: true, filters: JSON.stringify({ label: ['sagekit.job=bad_name!'] }) })).toEqual([]);
  });

  it('answers a duplicate name with ResourceInUse and an unknown job as SageMaker does', async () => {
    const duplicate = await createJob(probeJob('cli-two-hosts', { hosts: 2 }));
    expect(duplicate.code).toBe(254);
    expect(duplicate.stderr).toContain('(ResourceInUse) when calling the CreateTrainingJob operation: Training job names must be unique');
    const unknown = await aws(serve.url, ['sagemaker', 'describe-training-job', '--training-job-name', 'no-such-job'], env);
    expect(unknown.code).toBe(254);
    expect(unknown.stderr).toContain('(ValidationException) when calling the DescribeTrainingJob operation: Requested resource not found.');
    const stopUnknown = await aws(serve.url, ['sagemaker', 'stop-training-job', '--training-job-name', 'no-such-job'], env);
    expect(stopUnknown.stderr).toContain('(ResourceNotFound) when calling the StopTrainingJob operation: Requested resource not found.');
    const noStream = await aws(
      serve.url,
      ['logs', 'get-log-events', '--log-group-name', '/aws/sagemaker/TrainingJobs', '--log-stream-name', 'no-such-job/algo-1-1'],
      env,
    );
    expect(noStream.stderr).toContain('(ResourceNotFoundException) when calling the GetLogEvents operation: The specified log stream does not exist.');
  });

  it('answers sts get-caller-identity with the account given by --account-id', async () => {
    expect(await awsJson(serve.url, ['sts', 'get-caller-identity'], env)).toEqual({
      UserId: '111122223333',
      Account: '111122223333',
      Arn: 'arn:aws:iam::111122223333:root',
    });
  });
});

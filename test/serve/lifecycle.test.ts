/**
 * `sagekit serve` over time, driven by the AWS SDK for JavaScript: SIGTERM stops its running
 * jobs cleanly, the records survive a restart (and show up in `sagekit list/logs`), and
 * `--access-key-id` lets only that key in.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/local/engine/connect.js';
import { runCli } from '../helpers/cli.js';
import { startS3 } from '../local-data/s3-server.js';
import { eventually, probeJob, removeDir, startServeProcess, tempDir, type ServeProcess } from './helpers.js';

let dir: string;
const servers: ServeProcess[] = [];

const credentials = (accessKeyId: string) => ({ accessKeyId, secretAccessKey: 'not-a-secret' });
const sagemakerOn = (url: string, key = 'AKIDJS') => new SageMakerClient({ endpoint: url, region: 'us-east-1', credentials: credentials(key), maxAttempts: 1 });

async function serveOn(stateDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const serve = await startServeProcess(stateDir, args, env);
  servers.push(serve);
  return serve;
}

beforeAll(async () => {
  dir = await tempDir('sagekit-serve-life-');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await removeDir(dir);
});

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('sagekit serve lifecycle', { timeout: 240_000 }, () => {
  it('stops its running jobs on SIGTERM and finds their records after a restart', async () => {
    const stateDir = path.join(dir, 'state');
    const first = await serveOn(stateDir);
    const client = sagemakerOn(first.url);
    // A job without input channels: the store is not needed for it.
    const { InputDataConfig: _inputs, ...request } = probeJob('life-sigterm', { mode: 'sleep' });
    const created = await client.send(new CreateTrainingJobCommand(request as never));
    // serve's own account id, drawn once and kept in its state dir.
    const account = (await readFile(path.join(stateDir, 'serve-account-id'), 'utf8')).trim();
    expect(account).toMatch(/^\d{12}$/);
    expect(created.TrainingJobArn).toBe(`arn:aws:sagemaker:us-east-1:${account}:training-job/life-sigterm`);
    await eventually(async () => {
      const doc = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'life-sigterm' }));
      return doc.SecondaryStatus === 'Training' ? doc : undefined;
    }, 'life-sigterm to train');
    // The probe writes partial.txt once its SIGTERM trap is set (the job's host directory is in the record).
    const partial = path.join(stateDir, 'jobs/life-sigterm/hosts/algo-1/model/algo-1/partial.txt');
    await eventually(async () => (existsSync(partial) ? true : undefined), 'the probe to set its SIGTERM trap');
    // Its logs are already in CloudWatch Logs while it runs.
    const logsClient = new CloudWatchLogsClient({ endpoint: first.url, region: 'us-east-1', credentials: credentials('AKIDJS'), maxAttempts: 1 });
    await eventually(async () => {
      const { logStreams } = await logsClient.send(
        new DescribeLogStreamsCommand({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamNamePrefix: 'life-sigterm/' }),
      );
      const stream = logStreams?.[0]?.logStreamName;
      if (!stream) return undefined;
      const live = await logsClient.send(new GetLogEventsCommand({ logGroupName: '/aws/sagemaker/TrainingJobs', logStreamName: stream, startFromHead: true }));
      return live.events?.some((e) => e.message === 'probe on algo-1 mode=sleep') ? true : undefined;
    }, "the running job's first line in CloudWatch Logs");
    expect((await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'life-sigterm' }))).TrainingJobStatus).toBe('InProgress');
    logsClient.destroy();
    client.destroy();

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.stderr()).toContain('life-sigterm: ended Stopped');
    const { docker } = await connectEngine();
    const filters = JSON.stringify({ label: ['sagekit.job=life-sigterm'] });
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);

    const second = await serveOn(stateDir);
    const again = sagemakerOn(second.url);
    const doc = await again.send(new DescribeTrainingJobCommand({ TrainingJobName: 'life-sigterm' }));
    expect(doc.TrainingJobStatus).toBe('Stopped');
    expect(doc.CreationTime).toBeInstanceOf(Date);
    const listed = await again.send(new ListTrainingJobsCommand({}));
    expect(listed.TrainingJobSummaries?.map((s) => s.TrainingJobName)).toEqual(['life-sigterm']);
    again.destroy();

    const list = await runCli(['--state-dir', stateDir, 'list', '--backend', 'local', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: 'life-sigterm', status: 'Stopped', backend: 'local' })]);
    const logs = await runCli(['--state-dir', stateDir, 'logs', 'life-sigterm', '--backend', 'local']);
    expect(logs.stdout + logs.stderr).toContain('got SIGTERM');
    const described = await runCli(['--state-dir', stateDir, 'describe', 'life-sigterm', '--backend', 'local', '--json']);
    expect(JSON.parse(described.stdout)).toMatchObject({ TrainingJobArn: created.TrainingJobArn, TrainingJobStatus: 'Stopped' });
    // Ctrl-C ends serve as SIGTERM does.
    expect(await second.stop('SIGINT')).toBe(0);
    expect(second.stderr()).toContain('sagekit serve stopped');
  });

  it('uses the store given with --s3-endpoint for the jobs and passes S3 requests through to it', async () => {
    const store = await startS3(['ext-bucket']);
    try {
      await store.put('ext-bucket', 'input/train/train.csv', '1,2\n');
      // The jobs reach an external store with the serve process's own AWS configuration.
      const serve = await serveOn(path.join(dir, 'external'), ['--s3-endpoint', store.endpoint], {
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'AKIDTEST',
      });
      const client = sagemakerOn(serve.url);
      await client.send(new CreateTrainingJobCommand(probeJob('life-external', { bucket: 'ext-bucket' }) as never));
      const doc = await eventually(async () => {
        const d = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'life-external' }));
        return ['Completed', 'Failed', 'Stopped'].includes(d.TrainingJobStatus!) ? d : undefined;
      }, 'life-external to end');
      expect(doc.TrainingJobStatus).toBe('Completed');
      const model = await store.client.send(new HeadObjectCommand({ Bucket: 'ext-bucket', Key: 'output/life-external/output/model.tar.gz' }));
      expect(model.ContentLength).toBeGreaterThan(0);
      // Through serve's port, signed with the store's own key: passed through unchanged.
      const viaServe = new S3Client({
        endpoint: serve.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'AKIDTEST' },
        forcePathStyle: true,
      });
      const listed = await viaServe.send(new ListObjectsV2Command({ Bucket: 'ext-bucket', Prefix: 'output/life-external/' }));
      expect(listed.Contents?.map((o) => o.Key)).toContain('output/life-external/output/model.tar.gz');
      viaServe.destroy();
      client.destroy();
    } finally {
      await store.close();
    }
  });

  it('lets only the key given with --access-key-id in, on every protocol', async () => {
    const serve = await serveOn(path.join(dir, 'keyed'), ['--access-key-id', 'AKIDALLOWED']);
    const allowed = sagemakerOn(serve.url, 'AKIDALLOWED');
    expect((await allowed.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries).toEqual([]);
    const other = sagemakerOn(serve.url, 'AKIDOTHER');
    await expect(other.send(new ListTrainingJobsCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
    const s3 = new S3Client({ endpoint: serve.url, region: 'us-east-1', credentials: credentials('AKIDOTHER'), forcePathStyle: true, maxAttempts: 1 });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    const unsigned = await fetch(serve.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'SageMaker.ListTrainingJobs', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    for (const c of [allowed, other, s3]) c.destroy();
  });

  it('answers an unknown operation and a malformed body as awsJson services do', async () => {
    const serve = await serveOn(path.join(dir, 'raw'));
    const post = (target: string, body: string) =>
      fetch(serve.url, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body });
    const unknown = await post('SageMaker.CreateEndpoint', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const malformed = await post('SageMaker.DescribeTrainingJob', '{not json');
    expect(await malformed.json()).toMatchObject({ __type: 'SerializationException' });
  });
});

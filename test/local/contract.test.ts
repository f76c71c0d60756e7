/**
 * The SageMaker container contract, as a training container sees it on the local backend, checked
 * with a probe image against the real engine (Podman in CI). The probe records what it sees under
 * /opt/ml/model/<host>/ (see test/fixtures/probe/train).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Estimator, type FitOptions } from '../../src/estimator/estimator.js';
import type { EstimatorOptions } from '../../src/estimator/options.js';
import { TrainingJobError, UsageError, ValidationError } from '../../src/errors.js';
import { JobEvents, type LogLine, type StatusChange } from '../../src/events.js';
import { recordingEvents } from '../helpers/job-events.js';
import type { TrainingJob } from '../../src/job.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { listLocalJobs, openLocalJob } from '../../src/local/index.js';
import { PROBE_IMAGE } from '../setup/images.js';
import { startS3, type TestS3 } from '../local-data/s3-server.js';

const root = mkdtempSync(path.join(tmpdir(), 'sagekit-contract-'));
const stateDir = path.join(root, 'state');
const outputDir = path.join(root, 'output');
const jobsStarted: string[] = [];

interface Ran {
  job: TrainingJob;
  describe: DescribeTrainingJobResponse;
  logs: LogLine[];
  statuses: StatusChange[];
  warnings: string[];
  /** A file the probe wrote for `host` (under /opt/ml/model/<host>/). */
  probe(host: string, file: string): string;
  hostDir(host: string): string;
}

let counter = 0;
async function run(patch: Partial<EstimatorOptions>, fit: Omit<FitOptions, 'events'> = {}): Promise<Ran> {
  const name = `probe-${process.pid}-${++counter}`;
  jobsStarted.push(name);
  const { events, logs, statuses, warnings } = recordingEvents();
  const estimator = new Estimator({
    imageUri: PROBE_IMAGE,
    instanceType: 'local',
    outputPath: outputDir,
    jobName: name,
    ...patch,
    local: { stateDir, pull: 'never', stopGracePeriodSeconds: 2, ...patch.local },
  });
  const job = await estimator.fit(undefined, { throwOnFailure: false, ...fit, events });
  const describe = await job.describe();
  const hostDir = (host: string) => path.join(stateDir, 'jobs', name, 'hosts', host);
  return {
    job,
    describe,
    logs,
    statuses,
    warnings,
    hostDir,
    probe: (host, file) => readFileSync(path.join(hostDir(host), 'model', host, file), 'utf8'),
  };
}

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const tarList = (file: string) => execFileSync('tar', ['-tzf', file]).toString().split('\n').filter(Boolean).sort();

function makeDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

async function leftovers(): Promise<string[]> {
  const { docker } = await connectEngine();
  const filters = JSON.stringify({ label: ['sagekit.managed=true'] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => c.Labels['sagekit.job']), ...networks.map((n) => n.Labels?.['sagekit.job'])].filter(
    (job): job is string => !!job && jobsStarted.includes(job),
  );
}

describe('local backend: the SageMaker container contract', () => {
  const trainFiles = { 'a.csv': '1,2\n3,4\n', 'nested/b.csv': '5,6\n' };
  let trainDir: string;
  let pipeBytes: Buffer;
  let pipeDir: string;

  beforeAll(() => {
    trainDir = makeDir('train', trainFiles);
    pipeBytes = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < pipeBytes.length; i++) pipeBytes[i] = (i * 7919) % 251;
    pipeDir = makeDir('pipe', { 'part-0': pipeBytes.subarray(0, 1_000_000), 'part-1': pipeBytes.subarray(1_000_000) });
  });

  afterEach(async () => {
    expect(await leftovers()).toEqual([]);
  });

  it('one host: config files, environment, File and Pipe channels, logs, metrics, artifacts', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAHOSTSECRETKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'host-secret-value';
    let ran: Ran;
    try {
      ran = await run({
        hyperparameters: { mode: 'normal', epochs: 3, lr: 0.1, layers: [64, 32] },
        environment: { MY_VAR: 'hello world' },
        region: 'us-west-2',
        inputs: {
          train: { s3Data: trainDir, contentType: 'text/csv' },
          stream: { s3Data: pipeDir, inputMode: 'Pipe' },
        },
        metricDefinitions: [{ name: 'train:loss', regex: 'train_loss=([0-9.]+)' }],
      });
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    const { describe: d, probe, job } = ran;
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual(['Starting', 'Downloading', 'Training', 'Uploading', 'Completed']);
    expect(ran.statuses.map((s) => s.secondaryStatus)).toEqual(['Downloading', 'Training', 'Uploading', 'Completed']);

    expect(JSON.parse(probe('algo-1', 'hyperparameters.json'))).toEqual({ mode: 'normal', epochs: '3', lr: '0.1', layers: '[64,32]' });
    expect(JSON.parse(probe('algo-1', 'resourceconfig.json'))).toEqual({
      current_host: 'algo-1',
      current_instance_type: 'local',
      current_group_name: 'homogeneousCluster',
      hosts: ['algo-1'],
      instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'local', hosts: ['algo-1'] }],
      network_interface_name: 'eth0',
    });
    expect(JSON.parse(probe('algo-1', 'inputdataconfig.json'))).toEqual({
      train: { ContentType: 'text/csv', TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
      stream: { TrainingInputMode: 'Pipe', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
    });
    expect(existsSync(path.join(ran.hostDir('algo-1'), 'model', 'algo-1', 'checkpointconfig.json'))).toBe(false);

    const env = probe('algo-1', 'env.txt');
    expect(env).toContain(`TRAINING_JOB_NAME=${job.name}\n`);
    expect(env).toContain(`TRAINING_JOB_ARN=arn:aws:sagemaker:us-west-2:000000000000:training-job/${job.name}\n`);
    expect(env).toContain('MY_VAR=hello world\n');
    expect(env).toContain('AWS_REGION=us-west-2\n');
    expect(env).not.toContain('AKIAHOSTSECRETKEY');
    expect(env).not.toContain('host-secret-value');

    expect(probe('algo-1', 'data.txt')).toBe(`./train/a.csv ${md5(trainFiles['a.csv'])}\n./train/nested/b.csv ${md5(trainFiles['nested/b.csv'])}\n`);
    expect(probe('algo-1', 'pipe-stream_0.md5').trim()).toBe(md5(pipeBytes));
    expect(probe('algo-1', 'pipe-stream_1.md5').trim()).toBe(md5(pipeBytes));

    expect(ran.logs.filter((l) => l.stream === 'stdout').map((l) => l.message)).toContain('probe on algo-1 mode=normal');
    expect(ran.logs.find((l) => l.message === 'a warning on stderr')?.stream).toBe('stderr');
    expect(d.FinalMetricDataList?.map((m) => [m.MetricName, m.Value])).toEqual([['train:loss', 0.125]]);

    const artifacts = path.join(outputDir, job.name, 'output');
    expect(d.ModelArtifacts?.S3ModelArtifacts).toBe(`file://${artifacts}/model.tar.gz`);
    expect(tarList(path.join(artifacts, 'model.tar.gz'))).toContain('algo-1/model.txt');
    expect(tarList(path.join(artifacts, 'output.tar.gz'))).toEqual(['output-algo-1.txt']);
    expect(readdirSync(artifacts).sort()).toEqual(['model.tar.gz', 'output.tar.gz']);
  });

  it('three hosts: hostnames, every algo-i resolvable, ShardedByS3Key splits the files', async () => {
    const shards = makeDir('shards', Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`part-${i}.csv`, `row ${i}\n`])));
    const ran = await run({
      instanceCount: 3,
      hyperparameters: { mode: 'normal' },
      inputs: { train: { s3Data: shards, distribution: 'ShardedByS3Key' }, all: trainDir },
    });
    expect(ran.describe.TrainingJobStatus).toBe('Completed');
    const seen: string[] = [];
    for (const host of ['algo-1', 'algo-2', 'algo-3']) {
      expect(JSON.parse(ran.probe(host, 'resourceconfig.json')).current_host).toBe(host);
      expect(
        ran
          .probe(host, 'hosts.txt')
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split(/\s+/)[1])
          .filter((n) => /^algo-\d$/.test(n!))
          .sort(),
      ).toEqual(['algo-1', 'algo-2', 'algo-3']);
      const lines = ran.probe(host, 'data.txt').split('\n').filter(Boolean);
      const mine = lines.filter((l) => l.startsWith('./train/')).map((l) => l.split(' ')[0]!);
      expect(mine).toHaveLength(2);
      seen.push(...mine);
      expect(lines.filter((l) => l.startsWith('./all/'))).toHaveLength(2);
    }
    expect(seen.sort()).toEqual(Array.from({ length: 6 }, (_, i) => `./train/part-${i}.csv`));
    expect(new Set(ran.logs.map((l) => l.host))).toEqual(new Set(['algo-1', 'algo-2', 'algo-3']));
    const list = tarList(path.join(outputDir, ran.job.name, 'output', 'model.tar.gz'));
    for (const host of ['algo-1', 'algo-2', 'algo-3']) expect(list).toContain(`${host}/model.txt`);
  });

  it('/opt/ml/output/failure becomes FailureReason; fit() throws TrainingJobError with the last lines', async () => {
    const ran = await run({ hyperparameters: { mode: 'fail' } });
    expect(ran.describe.TrainingJobStatus).toBe('Failed');
    expect(ran.describe.FailureReason).toBe('the data was bad');
    await expect(ran.job.wait()).rejects.toMatchObject({
      name: 'TrainingJobError',
      failureReason: 'the data was bad',
      exitCode: 1,
    });
    const error = await ran.job.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingJobError);
    expect((error as TrainingJobError).lastLogLines).toContain('epoch=3 train_loss=0.125');
    // A failing job keeps what it produced.
    expect(existsSync(path.join(outputDir, ran.job.name, 'output', 'model.tar.gz'))).toBe(true);
  });

  it('a non-zero exit without a failure file is an AlgorithmError naming host and code', async () => {
    const ran = await run({ hyperparameters: { mode: 'exit' } });
    expect(ran.describe.TrainingJobStatus).toBe('Failed');
    // The last three lines, in the order the engine delivered stdout and stderr.
    const reason = ran.describe.FailureReason ?? '';
    expect(reason.startsWith('AlgorithmError: the training container on algo-1 exited with code 7; last lines: ')).toBe(true);
    expect(reason.split('last lines: ')[1]!.split(' | ').sort()).toEqual(['a warning on stderr', 'about to exit badly', 'epoch=3 train_loss=0.125']);
  });

  it('one failing host ends the whole job', async () => {
    const ran = await run({ instanceCount: 2, hyperparameters: { mode: 'fail-algo-2' } });
    expect(ran.describe.TrainingJobStatus).toBe('Failed');
    expect(ran.describe.FailureReason).toBe('algo-2 broke');
  });

  it('maxRun: SIGTERM, grace period, Stopped with MaxRuntimeExceeded, artifacts kept', async () => {
    const ran = await run({ maxRun: 2, hyperparameters: { mode: 'sleep' } });
    expect(ran.describe.TrainingJobStatus).toBe('Stopped');
    expect(ran.describe.SecondaryStatus).toBe('MaxRuntimeExceeded');
    expect(ran.probe('algo-1', 'terminated')).toBe('terminated\n');
    expect(ran.logs.map((l) => l.message)).toContain('got SIGTERM');
    expect(tarList(path.join(outputDir, ran.job.name, 'output', 'model.tar.gz'))).toContain('algo-1/partial.txt');
  });

  it('stop(): a container that ignores SIGTERM is killed after the grace period', async () => {
    const events = new JobEvents();
    const estimator = new Estimator({
      imageUri: PROBE_IMAGE,
      instanceType: 'local',
      outputPath: outputDir,
      jobName: `probe-${process.pid}-stop`,
      hyperparameters: { mode: 'ignore-term' },
      local: { stateDir, pull: 'never', stopGracePeriodSeconds: 1 },
    });
    jobsStarted.push(`probe-${process.pid}-stop`);
    const training = new Promise<void>((resolve) => events.on('log', (l) => l.message.startsWith('probe on') && resolve()));
    const job = await estimator.fit(undefined, { wait: false, events });
    await training;
    await job.stop();
    const d = await job.wait({ throwOnFailure: false });
    expect(d.TrainingJobStatus).toBe('Stopped');
    expect(d.SecondaryStatus).toBe('Stopped');
    expect(d.SecondaryStatusTransitions?.map((t) => t.Status)).toContain('Stopping');
  });

  it('enableNetworkIsolation: no network interface but loopback', async () => {
    const isolated = await run({ enableNetworkIsolation: true, hyperparameters: { mode: 'normal' } });
    expect(isolated.probe('algo-1', 'interfaces.txt').trim()).toBe('lo');
    const open = await run({ hyperparameters: { mode: 'normal' } });
    expect(open.probe('algo-1', 'interfaces.txt')).toContain('eth0');
  });

  it('checkpoints: restored at start, synced back at the end, checkpointconfig.json written', async () => {
    const ckpt = makeDir('ckpt', { 'old.txt': 'from a previous run' });
    const ran = await run({ checkpointS3Uri: ckpt, hyperparameters: { mode: 'checkpoint' } });
    expect(ran.describe.TrainingJobStatus).toBe('Completed');
    expect(ran.probe('algo-1', 'checkpoints-at-start.txt').trim()).toBe('old.txt');
    expect(JSON.parse(ran.probe('algo-1', 'checkpointconfig.json'))).toEqual({ LocalPath: '/opt/ml/checkpoints', S3Uri: `file://${ckpt}` });
    expect(readFileSync(path.join(ckpt, 'ckpt-algo-1.txt'), 'utf8')).toBe('saved by algo-1\n');
  });

  it('host AWS credentials reach the container only when opted in', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAOPTEDIN';
    process.env.AWS_SECRET_ACCESS_KEY = 'opted-in-secret';
    try {
      const ran = await run({ hyperparameters: { mode: 'normal' }, local: { passAwsCredentials: true } });
      expect(ran.probe('algo-1', 'env.txt')).toContain('AWS_ACCESS_KEY_ID=AKIAOPTEDIN\n');
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('the record serves describe, logs and list from another handle', async () => {
    const ran = await run({ hyperparameters: { mode: 'normal' } });
    const opened = await openLocalJob(ran.job.name, { stateDir });
    const d = await opened.describe();
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.CreationTime).toBeInstanceOf(Date);
    expect(d.ModelArtifacts).toEqual(ran.describe.ModelArtifacts);
    const lines: string[] = [];
    for await (const line of opened.logs()) lines.push(line.message);
    expect(lines).toEqual(ran.logs.map((l) => l.message));
    const listed = await listLocalJobs({ stateDir });
    expect(listed.find((j) => j.name === ran.job.name)).toMatchObject({ backend: 'local', status: 'Completed' });
  });

  it('refuses a job name that already has a record, and EFS channels, before any container', async () => {
    const ran = await run({ hyperparameters: { mode: 'normal' } });
    const again = new Estimator({ imageUri: PROBE_IMAGE, instanceType: 'local', outputPath: outputDir, jobName: ran.job.name, local: { stateDir } });
    await expect(again.fit()).rejects.toBeInstanceOf(UsageError);
    const efs = new Estimator({
      imageUri: PROBE_IMAGE,
      instanceType: 'local',
      outputPath: outputDir,
      inputs: { train: { fileSystemId: 'fs-0123456789abcdef0', fileSystemType: 'EFS', directoryPath: '/data' } },
      local: { stateDir },
    });
    await expect(efs.fit()).rejects.toBeInstanceOf(ValidationError);
  });

  it('says once what it cannot honour', async () => {
    const ran = await run({
      hyperparameters: { mode: 'normal' },
      subnets: ['subnet-1'],
      securityGroupIds: ['sg-1'],
      maxRetryAttempts: 2,
    });
    expect(ran.warnings.filter((w) => w.startsWith('VpcConfig'))).toHaveLength(1);
    expect(ran.warnings.some((w) => w.startsWith('maxRetryAttempts'))).toBe(true);
  });

  describe('with S3 (the sagekit store)', () => {
    let s3: TestS3;
    const saved: Record<string, string | undefined> = {};
    beforeAll(async () => {
      s3 = await startS3(['data-bucket', 'out-bucket']);
      await s3.put('data-bucket', 'train/x.csv', 'x,1\n');
      await s3.put('data-bucket', 'train/deep/y.csv', 'y,2\n');
      for (const key of ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION']) saved[key] = process.env[key];
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ACCESS_KEY_ID: 'AKIDTEST',
        AWS_SECRET_ACCESS_KEY: 'AKIDTEST',
        AWS_REGION: 'us-east-1',
      });
    });
    afterAll(async () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await s3.close();
    });

    it('downloads s3:// channels and uploads artifacts to an s3:// outputPath', async () => {
      const ran = await run({ hyperparameters: { mode: 'normal' }, inputs: { train: 's3://data-bucket/train' }, outputPath: 's3://out-bucket/runs' });
      expect(ran.describe.TrainingJobStatus).toBe('Completed');
      expect(ran.probe('algo-1', 'data.txt')).toBe(`./train/deep/y.csv ${md5('y,2\n')}\n./train/x.csv ${md5('x,1\n')}\n`);
      expect(ran.describe.ModelArtifacts?.S3ModelArtifacts).toBe(`s3://out-bucket/runs/${ran.job.name}/output/model.tar.gz`);
      const object = await s3.client.send(new GetObjectCommand({ Bucket: 'out-bucket', Key: `runs/${ran.job.name}/output/output.tar.gz` }));
      expect(Number(object.ContentLength)).toBeGreaterThan(0);
    });
  });
});

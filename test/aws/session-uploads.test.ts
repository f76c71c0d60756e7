/**
 * Session (region, account, default bucket, roles) and the upload of local inputs. S3 is a real
 * sagekit's S3 store on 127.0.0.1; STS, IAM and SageMaker are mocked (no local server exists for them).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeNotebookInstanceCommand, DescribeUserProfileCommand, SageMakerClient, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { getExecutionRole, Session } from '../../src/aws/session.js';
import { uploadLocalInputs } from '../../src/aws/upload-inputs.js';
import { downloadArtifacts } from '../../src/aws/index.js';
import { EnvironmentError } from '../../src/errors.js';
import { JobEvents } from '../../src/events.js';
import { createS3Client } from '../../src/s3/client.js';
import { startS3, type TestS3 } from '../local-data/s3-server.js';
import { execFileSync } from 'node:child_process';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-aws-'));
const ACCOUNT = '111122223333';

function mocks() {
  const sts = new STSClient({ region: 'us-west-2' });
  const iam = new IAMClient({ region: 'us-west-2' });
  const sagemaker = new SageMakerClient({ region: 'us-west-2' });
  const stsMock = mockClient(sts);
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/DataScience/alice` });
  const iamMock = mockClient(iam);
  iamMock.on(GetRoleCommand, { RoleName: 'DataScience' }).resolves({
    Role: { Arn: `arn:aws:iam::${ACCOUNT}:role/teams/DataScience`, RoleName: 'DataScience', Path: '/teams/', RoleId: 'x', CreateDate: new Date() },
  });
  iamMock.on(GetRoleCommand, { RoleName: 'Missing' }).rejects(Object.assign(new Error('role Missing not found'), { name: 'NoSuchEntityException' }));
  const sagemakerMock = mockClient(sagemaker);
  return { sts, iam, sagemaker, stsMock, iamMock, sagemakerMock };
}

describe('Session', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3([]);
  });
  afterAll(async () => s3.close());

  it('region from options, else the AWS config chain, else a clear error', async () => {
    expect(await new Session({ region: 'eu-west-1' }).getRegion()).toBe('eu-west-1');
    const saved = { ...process.env };
    try {
      process.env.AWS_REGION = 'ap-south-1';
      expect(await new Session().getRegion()).toBe('ap-south-1');
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      delete process.env.AWS_PROFILE;
      process.env.AWS_CONFIG_FILE = path.join(dir, 'no-config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'no-credentials');
      const error = await new Session().getRegion().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).message).toBe('no AWS region is configured');
      expect((error as EnvironmentError).exitCode).toBe(3);
    } finally {
      process.env = saved;
    }
  });

  it('account id from STS and the default bucket name', async () => {
    const { sts, iam, sagemaker } = mocks();
    const session = new Session({ region: 'us-west-2', clients: { sts, iam, sagemaker, s3: s3.client } });
    expect(await session.getAccountId()).toBe(ACCOUNT);
    expect(await session.getDefaultBucket()).toBe(`sagemaker-us-west-2-${ACCOUNT}`);
    expect(await new Session({ region: 'us-west-2', defaultBucket: 'mine', clients: { sts } }).getDefaultBucket()).toBe('mine');
  });

  it('creates the default bucket when missing and accepts it when it exists', async () => {
    const { sts } = mocks();
    const session = new Session({ region: 'us-east-1', clients: { sts, s3: s3.client } });
    expect(await session.ensureDefaultBucket()).toBe(`sagemaker-us-east-1-${ACCOUNT}`);
    await s3.client.send(new HeadBucketCommand({ Bucket: `sagemaker-us-east-1-${ACCOUNT}` }));
    // A second session finds it there.
    expect(await new Session({ region: 'us-east-1', clients: { sts, s3: s3.client } }).ensureDefaultBucket()).toBe(`sagemaker-us-east-1-${ACCOUNT}`);
  });

  it('sessions creating the default bucket at the same moment all get it (no false "another account")', async () => {
    const { sts } = mocks();
    const sessions = Array.from(
      { length: 6 },
      () =>
        new Session({
          region: 'eu-west-1',
          clients: {
            sts,
            s3: createS3Client({ endpoint: s3.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'AKIDTEST' } }),
          },
        }),
    );
    const buckets = await Promise.all(sessions.map((session) => session.ensureDefaultBucket()));
    expect(new Set(buckets)).toEqual(new Set([`sagemaker-eu-west-1-${ACCOUNT}`]));
  });

  it('a default bucket owned by another account is a clear error', async () => {
    // A local endpoint that denies every request, as S3 does for someone else's bucket.
    const server: Server = createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { sts } = mocks();
      const denied = createS3Client({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      const error = await new Session({ region: 'us-east-1', clients: { sts, s3: denied } }).ensureDefaultBucket().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as Error).message).toBe(`the default bucket sagemaker-us-east-1-${ACCOUNT} exists but belongs to another account (or denies access)`);
      expect((error as EnvironmentError).hint).toContain('--default-bucket');
    } finally {
      server.close();
    }
  });

  it('expands role names to ARNs (with their path) and passes ARNs through', async () => {
    const { sts, iam } = mocks();
    const session = new Session({ region: 'us-west-2', clients: { sts, iam } });
    expect(await session.expandRole('DataScience')).toBe(`arn:aws:iam::${ACCOUNT}:role/teams/DataScience`);
    expect(await session.expandRole(`arn:aws:iam::${ACCOUNT}:role/X`)).toBe(`arn:aws:iam::${ACCOUNT}:role/X`);
    await expect(session.expandRole('Missing')).rejects.toThrow('IAM role Missing does not exist in this account');
  });

  it('getExecutionRole: notebook instance, Studio user profile, assumed role, and a plain user', async () => {
    const { sts, iam, sagemaker, stsMock, sagemakerMock } = mocks();
    const session = new Session({ region: 'us-west-2', clients: { sts, iam, sagemaker } });
    const notebook = path.join(dir, 'notebook.json');
    writeFileSync(notebook, JSON.stringify({ ResourceName: 'my-notebook' }));
    sagemakerMock
      .on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'my-notebook' })
      .resolves({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/NotebookRole` });
    expect(await getExecutionRole(session, notebook)).toBe(`arn:aws:iam::${ACCOUNT}:role/NotebookRole`);

    const studio = path.join(dir, 'studio.json');
    writeFileSync(studio, JSON.stringify({ DomainId: 'd-1', UserProfileName: 'alice' }));
    sagemakerMock
      .on(DescribeUserProfileCommand, { DomainId: 'd-1', UserProfileName: 'alice' })
      .resolves({ UserSettings: { ExecutionRole: `arn:aws:iam::${ACCOUNT}:role/StudioRole` } });
    expect(await getExecutionRole(session, studio)).toBe(`arn:aws:iam::${ACCOUNT}:role/StudioRole`);

    expect(await getExecutionRole(session, path.join(dir, 'absent.json'))).toBe(`arn:aws:iam::${ACCOUNT}:role/teams/DataScience`);

    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/bob` });
    await expect(getExecutionRole(session, path.join(dir, 'absent.json'))).rejects.toThrow(/is not a role/);
  });
});

describe('uploading local inputs', () => {
  let s3: TestS3;
  let puts = 0;
  beforeAll(async () => {
    s3 = await startS3(['bucket1']);
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (['PutObjectCommand', 'CreateMultipartUploadCommand'].includes(context.commandName ?? '')) puts++;
        return next(args);
      },
      { step: 'initialize', name: 'countPuts' },
    );
  });
  afterAll(async () => s3.close());
  beforeEach(() => {
    puts = 0;
  });

  const data = path.join(dir, 'data');
  mkdirSync(path.join(data, 'nested'), { recursive: true });
  writeFileSync(path.join(data, 'a.csv'), 'a,1\n');
  writeFileSync(path.join(data, 'nested', 'b.csv'), 'b,2\n');
  const single = path.join(dir, 'model.tar.gz');
  writeFileSync(single, 'not really a model');

  const request: CreateTrainingJobRequest = {
    TrainingJobName: 'job-1',
    AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
    RoleArn: 'arn:aws:iam::111122223333:role/R',
    OutputDataConfig: { S3OutputPath: 's3://bucket1/out' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 60 },
    InputDataConfig: [
      { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${data}`, S3DataDistributionType: 'FullyReplicated' } } },
      { ChannelName: 'model', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `file://${single}`, S3DataDistributionType: 'FullyReplicated' } } },
      { ChannelName: 'remote', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://elsewhere/x', S3DataDistributionType: 'FullyReplicated' } } },
    ],
  };

  it('uploads directories and single files under <job>/input/<channel>/ and rewrites a copy of the request', async () => {
    const original = structuredClone(request);
    const events = new JobEvents();
    const progress: string[] = [];
    events.on('progress', (p) => p.done && progress.push(p.label));
    const { request: rewritten, summary } = await uploadLocalInputs(request, { s3: s3.client, bucket: 'bucket1', events });
    expect(request).toEqual(original);
    expect(rewritten.InputDataConfig!.map((c) => c.DataSource!.S3DataSource!.S3Uri)).toEqual([
      's3://bucket1/job-1/input/train/',
      's3://bucket1/job-1/input/model/model.tar.gz',
      's3://elsewhere/x',
    ]);
    expect(summary.uploaded.sort()).toEqual([
      's3://bucket1/job-1/input/model/model.tar.gz',
      's3://bucket1/job-1/input/train/a.csv',
      's3://bucket1/job-1/input/train/nested/b.csv',
    ]);
    expect(progress.sort()).toEqual(['model/model.tar.gz', 'train/a.csv', 'train/nested/b.csv']);
    expect(puts).toBe(3);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: 'bucket1', Key: 'job-1/input/train/nested/b.csv' }));
    expect(await object.Body!.transformToString()).toBe('b,2\n');
  });

  it('skips files already uploaded with the same content, re-uploads changed ones', async () => {
    const { summary } = await uploadLocalInputs(request, { s3: s3.client, bucket: 'bucket1', events: new JobEvents() });
    expect(summary.uploaded).toEqual([]);
    expect(summary.skipped).toHaveLength(3);
    expect(puts).toBe(0);
    writeFileSync(path.join(data, 'a.csv'), 'a,changed\n');
    const again = await uploadLocalInputs(request, { s3: s3.client, bucket: 'bucket1', events: new JobEvents() });
    expect(again.summary.uploaded).toEqual(['s3://bucket1/job-1/input/train/a.csv']);
    expect(puts).toBe(1);
  });

  it('downloads and unpacks model artifacts, refusing archives that escape', async () => {
    const src = path.join(dir, 'artifact');
    mkdirSync(path.join(src, 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'sub', 'weights.bin'), 'w');
    const archive = path.join(dir, 'model-out.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, '.']);
    await s3.put('bucket1', 'out/job-1/output/model.tar.gz', (await import('node:fs')).readFileSync(archive));
    const dest = path.join(dir, 'unpacked');
    await downloadArtifacts('s3://bucket1/out/job-1/output/model.tar.gz', dest, { s3: s3.client });
    expect((await import('node:fs')).readFileSync(path.join(dest, 'sub', 'weights.bin'), 'utf8')).toBe('w');

    const evil = path.join(dir, 'evil.tar');
    execFileSync('tar', ['-cf', evil, '-C', dir, '--transform', 's,^,../../,', 'model.tar.gz'], { stdio: 'ignore' });
    await s3.put('bucket1', 'evil.tar', (await import('node:fs')).readFileSync(evil));
    await expect(downloadArtifacts('s3://bucket1/evil.tar', path.join(dir, 'evil-out'), { s3: s3.client })).rejects.toThrow(/refusing archive entry/);
  });
});

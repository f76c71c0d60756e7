/**
 * Script mode on SageMaker: the code is packed as the SDK packs it and uploaded to the
 * `sagemaker_submit_directory` before CreateTrainingJob (real S3 via sagekit's S3 store; SageMaker, STS
 * and IAM mocked), unchanged code is not uploaded twice, an s3:// sourceDir is used as is, and
 * gitConfig clones a real repository (file://) with the system git and removes the clone.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import * as tar from 'tar';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Session } from '../../src/aws/session.js';
import { uploadSourceCode } from '../../src/aws/upload-code.js';
import { Estimator } from '../../src/estimator/estimator.js';
import type { EstimatorOptions } from '../../src/estimator/options.js';
import { ValidationError } from '../../src/errors.js';
import { JobEvents } from '../../src/events.js';
import { startS3, type TestS3 } from '../local-data/s3-server.js';

const ACCOUNT = '111122223333';
const root = mkdtempSync(path.join(tmpdir(), 'sagekit-script-aws-'));

function write(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const projectFiles = { 'src/train.py': 'print("train")\n', 'src/util/helpers.py': 'X = 1\n', 'lib/mylib/__init__.py': 'Y = 2\n' };

describe('script mode on SageMaker', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3(['my-bucket']);
  });
  afterAll(async () => s3.close());

  /** A session whose CreateTrainingJob records whether the code was already in S3 when it came. */
  function session() {
    const sagemaker = new SageMakerClient({ region: 'us-west-2' });
    const sts = new STSClient({ region: 'us-west-2' });
    mockClient(sts).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    const sm = mockClient(sagemaker);
    const codeAtCreate: boolean[] = [];
    sm.on(CreateTrainingJobCommand).callsFake(async (input: { HyperParameters?: Record<string, string> }) => {
      const submit = JSON.parse(input.HyperParameters?.sagemaker_submit_directory ?? '""') as string;
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.*)$/.exec(submit) ?? [];
      codeAtCreate.push(
        await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
          () => true,
          () => false,
        ),
      );
      return { TrainingJobArn: 'arn:aws:sagemaker:us-west-2:111122223333:training-job/x' };
    });
    return { session: new Session({ region: 'us-west-2', clients: { sagemaker, sts, s3: s3.client } }), sm, codeAtCreate };
  }

  const base = {
    imageUri: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest`,
    role: `arn:aws:iam::${ACCOUNT}:role/SageMakerRole`,
    instanceType: 'ml.m5.xlarge',
    region: 'us-west-2',
    outputPath: 's3://my-bucket/output',
    entryPoint: 'train.py',
  };

  async function archiveAt(key: string): Promise<string[]> {
    const object = await s3.client.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: key }));
    const file = path.join(mkdtempSync(path.join(root, 'archive-')), 'sourcedir.tar.gz');
    writeFileSync(file, Buffer.from(await object.Body!.transformToByteArray()));
    const names: string[] = [];
    await tar.t({ file, onReadEntry: (entry) => names.push(entry.path) });
    return names.filter((n) => !n.endsWith('/')).sort();
  }

  it('packs sourceDir with its dependencies beside it and uploads it before CreateTrainingJob', async () => {
    const dir = write(mkdtempSync(path.join(root, 'project-')), projectFiles);
    const { session: s, sm, codeAtCreate } = session();
    const estimator = new Estimator({ ...base, sourceDir: path.join(dir, 'src'), dependencies: [path.join(dir, 'lib', 'mylib')], session: s });
    await estimator.fit(undefined, { jobName: 'script-aws-1', wait: false });
    const sent = sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    expect(sent.HyperParameters?.sagemaker_submit_directory).toBe('"s3://my-bucket/script-aws-1/source/sourcedir.tar.gz"');
    expect(codeAtCreate).toEqual([true]);
    expect(await archiveAt('script-aws-1/source/sourcedir.tar.gz')).toEqual(['mylib/__init__.py', 'train.py', 'util/helpers.py']);
  });

  it('a lone entryPoint is packed alone; codeLocation moves the upload', async () => {
    const dir = write(mkdtempSync(path.join(root, 'lone-')), { 'train.py': 'print(1)\n', 'other.py': '' });
    const { session: s } = session();
    await new Estimator({ ...base, entryPoint: path.join(dir, 'train.py'), codeLocation: 's3://my-bucket/code', session: s }).fit(undefined, {
      jobName: 'script-aws-2',
      wait: false,
    });
    expect(await archiveAt('code/script-aws-2/source/sourcedir.tar.gz')).toEqual(['train.py']);
  });

  it('unchanged code is not uploaded twice; changed code is', async () => {
    const dir = write(mkdtempSync(path.join(root, 'again-')), projectFiles);
    const code = {
      program: 'train.py',
      entryPoint: 'train.py',
      sourceDir: path.join(dir, 'src'),
      dependencies: [],
      uploadUri: 's3://my-bucket/again/source/sourcedir.tar.gz',
    };
    const events = new JobEvents();
    expect((await uploadSourceCode(code, { s3: s3.client, events })).uploaded).toBe(true);
    expect((await uploadSourceCode(code, { s3: s3.client, events })).uploaded).toBe(false);
    writeFileSync(path.join(dir, 'src', 'train.py'), 'print("changed")\n');
    expect((await uploadSourceCode(code, { s3: s3.client, events })).uploaded).toBe(true);
  });

  it('an s3:// sourceDir is used as is: nothing is uploaded', async () => {
    const { session: s, sm } = session();
    await new Estimator({ ...base, sourceDir: 's3://my-bucket/prebuilt/sourcedir.tar.gz', session: s }).fit(undefined, {
      jobName: 'script-aws-3',
      wait: false,
    });
    expect(sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input.HyperParameters?.sagemaker_submit_directory).toBe(
      '"s3://my-bucket/prebuilt/sourcedir.tar.gz"',
    );
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'my-bucket', Prefix: 'script-aws-3/' }));
    expect(listed.KeyCount ?? 0).toBe(0);
  });

  it('sourceCode: the local code folder is uploaded as the code channel and ContainerEntrypoint runs it', async () => {
    const dir = write(mkdtempSync(path.join(root, 'any-image-')), { 'run.sh': 'echo hi\n' });
    const sagemaker = new SageMakerClient({ region: 'us-west-2' });
    const sts = new STSClient({ region: 'us-west-2' });
    mockClient(sts).on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    const sm = mockClient(sagemaker);
    sm.on(CreateTrainingJobCommand).resolves({ TrainingJobArn: 'arn:aws:sagemaker:us-west-2:111122223333:training-job/x' });
    const s = new Session({ region: 'us-west-2', clients: { sagemaker, sts, s3: s3.client } });
    const { entryPoint: _e, ...withoutScriptMode } = base;
    await new Estimator({ ...withoutScriptMode, sourceCode: { sourceDir: dir, entryScript: 'run.sh' }, session: s }).fit(undefined, {
      jobName: 'source-code-1',
      wait: false,
    });
    const sent = sm.commandCalls(CreateTrainingJobCommand)[0]!.args[0].input;
    const bucket = `sagemaker-us-west-2-${ACCOUNT}`;
    expect(sent.InputDataConfig?.map((c) => [c.ChannelName, c.DataSource?.S3DataSource?.S3Uri])).toEqual([
      ['code', `s3://${bucket}/source-code-1/input/code/`],
    ]);
    expect(sent.AlgorithmSpecification?.ContainerEntrypoint).toEqual(['/bin/sh', '-c', 'cd /opt/ml/input/data/code && exec "$0" "$@"', 'sh', 'run.sh']);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'source-code-1/input/code/run.sh' }));
    expect(await object.Body!.transformToString()).toBe('echo hi\n');
  });

  describe('gitConfig', () => {
    const repo = write(mkdtempSync(path.join(root, 'repo-')), { 'README.md': 'main branch\n' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' })
        .toString()
        .trim();
    git('init', '--quiet', '--initial-branch=main');
    git('add', '.');
    git('commit', '--quiet', '-m', 'main');
    git('checkout', '--quiet', '-b', 'feature');
    write(repo, projectFiles);
    git('add', '.');
    git('commit', '--quiet', '-m', 'code');
    git('checkout', '--quiet', 'main');
    const options = (patch: Record<string, unknown> = {}) =>
      ({ ...base, sourceDir: 'src', dependencies: ['lib/mylib'], gitConfig: { repo: `file://${repo}`, branch: 'feature' }, ...patch }) as EstimatorOptions;

    it('clones the branch with the system git, uploads its code, removes the clone', async () => {
      const scratch = mkdtempSync(path.join(root, 'tmp-'));
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = scratch;
      try {
        const { session: s, codeAtCreate } = session();
        await new Estimator({ ...options(), session: s }).fit(undefined, { jobName: 'script-aws-git', wait: false });
        expect(codeAtCreate).toEqual([true]);
        expect(await archiveAt('script-aws-git/source/sourcedir.tar.gz')).toEqual(['mylib/__init__.py', 'train.py', 'util/helpers.py']);
        expect(readdirSync(scratch).filter((n) => n.startsWith('sagekit-git-'))).toEqual([]);
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
    });

    it('a commit or path that does not exist is refused before CreateTrainingJob, naming the field', async () => {
      const { session: s, sm } = session();
      const badCommit = await new Estimator({ ...options({ gitConfig: { repo: `file://${repo}`, commit: 'deadbeef' } }), session: s })
        .fit(undefined, { jobName: 'script-aws-git-2', wait: false })
        .catch((e: unknown) => e);
      expect(badCommit).toBeInstanceOf(ValidationError);
      expect((badCommit as ValidationError).issues.map((i) => i.path)).toEqual(['gitConfig.commit']);
      const missing = await new Estimator({ ...options({ sourceDir: 'nope' }), session: s })
        .fit(undefined, { jobName: 'script-aws-git-3', wait: false })
        .catch((e: unknown) => e);
      expect((missing as ValidationError).issues.map((i) => `${i.path}: ${i.rule}`)).toEqual([`sourceDir: must exist in the clone of file://${repo}`]);
      expect(sm.commandCalls(CreateTrainingJobCommand)).toHaveLength(0);
    });
  });
});

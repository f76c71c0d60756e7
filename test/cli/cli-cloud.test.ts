/**
 * The real CLI binary running SageMaker jobs: uploads to sagekit's S3 store (real S3 client), SageMaker,
 * CloudWatch Logs, STS and IAM scripted with aws-sdk-client-mock loaded into the subprocess
 * (test/helpers/aws-cli-mock.ts). Exit codes, --json documents, human output, Ctrl-C handling,
 * and describe/logs/list/stop of a cloud job from separate processes. Nothing reaches AWS: every
 * other AWS endpoint points at a closed local port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { awsCliNodeArgs, readCalls, type AwsScenario, type ScenarioStep } from '../helpers/aws-cli-mock.js';
import { BIN, runCli, scriptArgs, type CliResult } from '../helpers/cli.js';
import { startS3, type TestS3 } from '../local-data/s3-server.js';

const ACCOUNT = '111122223333';
const BUCKET = `sagemaker-us-west-2-${ACCOUNT}`;
const IMAGE = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/trainer:1`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/SageMakerRole`;
const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-cloud-'));
let s3: TestS3;
let counter = 0;

beforeAll(async () => {
  s3 = await startS3([]);
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data', 'train.csv'), '1,2\n3,4\n');
});
afterAll(async () => {
  await s3?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A scenario file plus the environment that makes a CLI subprocess use it. */
function scripted(jobName: string, steps: ScenarioStep[], more: Partial<AwsScenario> = {}) {
  const id = ++counter;
  const calls = path.join(dir, `calls-${id}.jsonl`);
  const scenario: AwsScenario = { account: ACCOUNT, jobName, steps, roles: { SageMakerRole: ROLE_ARN }, calls, ...more };
  const file = path.join(dir, `scenario-${id}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  const env: NodeJS.ProcessEnv = {
    SAGEKIT_TEST_AWS_SCENARIO: file,
    SAGEKIT_STATE_DIR: path.join(dir, 'state'),
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'AKIDTEST',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    // Anything not scripted fails here instead of reaching AWS.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
  return { env, calls: () => readCalls(calls) };
}

function jobFile(patch: Record<string, unknown> = {}): string {
  const file = path.join(dir, `job-${++counter}.yaml`);
  writeFileSync(
    file,
    YAML.stringify({
      imageUri: IMAGE,
      role: 'SageMakerRole',
      instanceType: 'ml.m5.large',
      instanceCount: 2,
      inputs: { train: './data' },
      hyperparameters: { epochs: 3 },
      ...patch,
    }),
  );
  return file;
}

type OnStderr = (stderr: string, child: ChildProcess) => void;
const cli = (args: string[], env: NodeJS.ProcessEnv, onStderr?: OnStderr): Promise<CliResult> =>
  runCli(args, { env, cwd: dir, nodeArgs: awsCliNodeArgs, ...(onStderr && { onStderr }) });

const completedSteps = (job: string): ScenarioStep[] => [
  { status: 'InProgress', secondary: 'Starting' },
  {
    status: 'InProgress',
    secondary: 'Training',
    logs: { [`${job}/algo-1-1700000000`]: ['epoch 1 loss=0.9', 'epoch 2 loss=0.5'], [`${job}/algo-2-1700000000`]: ['worker ready'] },
  },
  {
    status: 'Completed',
    secondary: 'Completed',
    logs: { [`${job}/algo-1-1700000000`]: ['epoch 3 loss=0.25'] },
    extra: {
      TrainingTimeInSeconds: 200,
      BillableTimeInSeconds: 80,
      EnableManagedSpotTraining: true,
      FinalMetricDataList: [{ MetricName: 'train:loss', Value: 0.25, Timestamp: '2026-11-25T10:03:00Z' }],
      ModelArtifacts: { S3ModelArtifacts: `s3://${BUCKET}/${job}/output/model.tar.gz` },
    },
  },
];

// Independent jobs with their own scenarios: run side by side (each mostly waits on poll intervals).
describe.concurrent('sagekit CLI with SageMaker jobs (scripted AWS, S3 store)', () => {
  it('train: uploads local inputs, creates the job with S3 URIs and the role ARN, follows it to Completed (exit 0)', async () => {
    const job = 'cli-cloud-ok';
    const aws = scripted(job, completedSteps(job));
    const r = await cli(['train', '-c', jobFile(), '--job-name', job, '--json'], aws.env);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|at .*\.js:\d+/);
    expect(r.code, r.stderr).toBe(0);

    const doc = JSON.parse(r.stdout) as Record<string, any>;
    expect(doc).toMatchObject({ TrainingJobName: job, TrainingJobStatus: 'Completed', BillableTimeInSeconds: 80 });

    const created = aws.calls().find((c) => c.command === 'CreateTrainingJob')!.input;
    expect(created.RoleArn).toBe(ROLE_ARN);
    expect(created.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(`s3://${BUCKET}/${job}/input/train/`);
    expect(created.OutputDataConfig.S3OutputPath).toBe(`s3://${BUCKET}/`);
    await expect(s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${job}/input/train/train.csv` }))).resolves.toBeTruthy();

    // Human output: upload lines, transitions, host-prefixed logs, the summary.
    expect(r.stderr).toContain(`upload: `);
    expect(r.stderr).toMatch(/\d\d:\d\d:\d\d Training - now Training/);
    expect(r.stderr).toContain('algo-1 | epoch 1 loss=0.9');
    expect(r.stderr).toContain('algo-2 | worker ready');
    expect(r.stderr).toContain('algo-1 | epoch 3 loss=0.25');
    expect(r.stderr).toContain(`${job}: Completed`);
    expect(r.stderr).toMatch(/billable\s+1m ?20s \(spot savings 60%\)/);
    expect(r.stderr).toContain(`model      s3://${BUCKET}/${job}/output/model.tar.gz`);
    expect(r.stderr).toMatch(/train:loss\s+0\.25/);
  });

  it('train: a failed job exits 1 with its FailureReason', async () => {
    const job = 'cli-cloud-fail';
    const aws = scripted(job, [
      { status: 'InProgress', secondary: 'Training', logs: { [`${job}/algo-1-1`]: ['Traceback (most recent call last):', 'ValueError: bad shape'] } },
      { status: 'Failed', secondary: 'Failed', extra: { FailureReason: 'AlgorithmError: ValueError: bad shape' } },
    ]);
    const r = await cli(['train', '-c', jobFile({ instanceCount: 1 }), '--job-name', job], aws.env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('ValueError: bad shape');
    expect(r.stderr).toContain(`${job}: Failed`);
    expect(r.stderr).toContain('reason     AlgorithmError: ValueError: bad shape');
  });

  it('train --no-wait prints the job name and returns while the job runs', async () => {
    const job = 'cli-cloud-nowait';
    const aws = scripted(job, [{ status: 'InProgress', secondary: 'Starting' }]);
    const r = await cli(['train', '-c', jobFile(), '--job-name', job, '--no-wait'], aws.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${job}\n`);
    expect(aws.calls().map((c) => c.command)).toEqual(['CreateTrainingJob']);
  });

  it('Ctrl-C with --stop-on-interrupt stops the job on SageMaker and waits for Stopped (exit 1)', async () => {
    const job = 'cli-cloud-stop';
    const aws = scripted(job, [{ status: 'InProgress', secondary: 'Training', logs: { [`${job}/algo-1-1`]: ['training forever'] } }], { untilStopped: true });
    let sent = false;
    const r = await cli(['train', '-c', jobFile({ instanceCount: 1 }), '--job-name', job, '--stop-on-interrupt'], aws.env, (stderr, child) => {
      if (!sent && stderr.includes('training forever')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`stopping ${job}`);
    expect(r.stderr).toContain(`${job}: Stopped`);
    expect(aws.calls().filter((c) => c.command === 'StopTrainingJob')).toEqual([{ command: 'StopTrainingJob', input: { TrainingJobName: job } }]);
  });

  it('Ctrl-C without a terminal to ask on leaves the job running and says how to follow it (exit 130)', async () => {
    const job = 'cli-cloud-detach';
    const aws = scripted(job, [{ status: 'InProgress', secondary: 'Training', logs: { [`${job}/algo-1-1`]: ['training forever'] } }], { untilStopped: true });
    let sent = false;
    const r = await cli(['train', '-c', jobFile({ instanceCount: 1 }), '--job-name', job], aws.env, (stderr, child) => {
      if (!sent && stderr.includes('training forever')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`${job} keeps running on SageMaker; follow it with: sagekit logs ${job} --follow`);
    expect(aws.calls().some((c) => c.command === 'StopTrainingJob')).toBe(false);
  });

  it('Ctrl-C on a terminal asks, and "y" stops the job', async () => {
    const job = 'cli-cloud-ask';
    const aws = scripted(job, [{ status: 'InProgress', secondary: 'Training', logs: { [`${job}/algo-1-1`]: ['training forever'] } }], { untilStopped: true });
    const argv = [process.execPath, ...awsCliNodeArgs, BIN, 'train', '-c', jobFile({ instanceCount: 1 }), '--job-name', job];
    // `script` puts the CLI on a pseudo-terminal; ^C typed there reaches it as SIGINT, as in a shell.
    const child = spawn('script', scriptArgs(argv), { cwd: dir, env: { ...process.env, ...aws.env, TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let step = 0;
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (step === 0 && out.includes('training forever')) {
          step = 1;
          child.stdin.write('\x03');
        } else if (step === 1 && out.includes(`Stop training job ${job} on SageMaker? [y/N]`)) {
          step = 2;
          child.stdin.write('y\r');
        }
      });
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(out).toContain(`stopping ${job}`);
    expect(out).toContain(`${job}: Stopped`);
    expect(code).toBe(1);
    expect(aws.calls().filter((c) => c.command === 'StopTrainingJob')).toHaveLength(1);
  });

  // describe/logs/list/stop from other processes: one CLI call after another would outgrow a test's
  // time budget on a loaded machine, so each command is its own (concurrent) test.
  const finished = (job: string) =>
    scripted(
      job,
      completedSteps(job)
        .slice(1)
        .map((s) => ({ ...s, status: 'Completed' as const, secondary: 'Completed' as const })),
    );

  it('describe prints a SageMaker job as JSON or as a human summary', async () => {
    const job = 'cli-cloud-describe';
    const done = finished(job);
    const [described, human] = await Promise.all([cli(['describe', job, '--json'], done.env), cli(['describe', job, '--backend', 'aws'], done.env)]);
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ TrainingJobName: job, TrainingJobStatus: 'Completed' });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(`${job}: Completed`);
  });

  it('logs prints every host stream of a SageMaker job, as text or JSON lines', async () => {
    const job = 'cli-cloud-logs';
    const done = finished(job);
    const [logs, jsonLogs] = await Promise.all([cli(['logs', job, '--backend', 'aws'], done.env), cli(['logs', job, '--backend', 'aws', '--json'], done.env)]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout.split('\n').filter(Boolean).sort()).toEqual(['epoch 1 loss=0.9', 'epoch 2 loss=0.5', 'epoch 3 loss=0.25', 'worker ready']);
    expect(jsonLogs.code, jsonLogs.stderr).toBe(0);
    const lines = jsonLogs.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.message === 'worker ready')).toMatchObject({ host: 'algo-2' });
  });

  it('list --status filters SageMaker jobs on the API side', async () => {
    const job = 'cli-cloud-list';
    const done = finished(job);
    const list = await cli(['list', '--backend', 'aws', '--status', 'Completed', '--json'], done.env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: job, backend: 'aws', status: 'Completed' })]);
    expect(done.calls().find((c) => c.command === 'ListTrainingJobs')!.input).toMatchObject({ StatusEquals: 'Completed' });
  });

  it('stop stops a running SageMaker job once; an unknown job exits 2', async () => {
    const running = scripted('cli-cloud-running', [{ status: 'InProgress', secondary: 'Training' }], { untilStopped: true });
    const [stopped, missing] = await Promise.all([
      cli(['stop', 'cli-cloud-running', '--backend', 'aws'], running.env),
      cli(['describe', 'no-such-job', '--backend', 'aws'], running.env),
    ]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(running.calls().filter((c) => c.command === 'StopTrainingJob')).toHaveLength(1);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/^error: .*no-such-job/m);
  });
});

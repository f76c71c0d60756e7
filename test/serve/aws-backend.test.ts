/**
 * sagekit's own aws backend against `sagekit serve` (AWS_ENDPOINT_URL): a cloud job file with a
 * local input goes through STS (default bucket), S3 (upload), CreateTrainingJob, Describe
 * polling and CloudWatch Logs, all on the wire, and really trains on this machine.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROBE_IMAGE } from '../setup/images.js';
import { aws, awsJson, clientEnv, eventually, removeDir, startServeProcess, tempDir, type ServeProcess } from './helpers.js';

let serve: ServeProcess;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('sagekit-serve-backend-');
  env = await clientEnv(dir);
  // A fixed account id: the default bucket the aws backend derives from serve's STS answer names it.
  serve = await startServeProcess(path.join(dir, 'serve-state'), ['--account-id', '123456789012']);
});

afterAll(async () => {
  await serve?.stop();
  await removeDir(dir);
});

// Generous bounds: hang detection on a loaded machine, not a timing assertion.
describe('the aws backend against sagekit serve', { timeout: 240_000 }, () => {
  it('trains a cloud job file end to end through AWS_ENDPOINT_URL', async () => {
    const project = path.join(dir, 'project');
    await mkdir(path.join(project, 'data'), { recursive: true });
    await writeFile(path.join(project, 'data', 'train.csv'), 'x,y\n');
    await writeFile(
      path.join(project, 'job.yaml'),
      [
        `imageUri: ${PROBE_IMAGE}`,
        'instanceType: ml.c5.xlarge',
        'instanceCount: 2',
        'role: arn:aws:iam::000000000000:role/SageMakerRole',
        'inputs:',
        '  train: ./data',
        'metricDefinitions:',
        '  - { name: loss, regex: "train_loss=([0-9.]+)" }',
      ].join('\n'),
    );
    const cliEnv = { ...env, AWS_ENDPOINT_URL: serve.url, AWS_REGION: 'us-east-1', SAGEKIT_STATE_DIR: path.join(dir, 'client-state') };
    const trained = await runCli(['train', '--config', 'job.yaml', '--job-name', 'backend-job', '--json'], { cwd: project, env: cliEnv });
    expect(trained.code, trained.stderr).toBe(0);
    const doc = JSON.parse(trained.stdout) as {
      TrainingJobStatus: string;
      ModelArtifacts: { S3ModelArtifacts: string };
      FinalMetricDataList: Array<{ Value: number }>;
    };
    expect(doc.TrainingJobStatus).toBe('Completed');
    // The Python SDK's default bucket, derived from serve's STS account.
    expect(doc.ModelArtifacts.S3ModelArtifacts).toBe('s3://sagemaker-us-east-1-123456789012/backend-job/output/model.tar.gz');
    expect(doc.FinalMetricDataList[0]?.Value).toBe(0.125);
    // The logs came through CloudWatch Logs, host by host.
    expect(trained.stderr).toContain('algo-2 | probe on algo-2 mode=normal');

    const listed = await runCli(['list', '--backend', 'aws', '--json'], { env: cliEnv });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'backend-job', backend: 'aws', status: 'Completed' })]);
    const objects = await awsJson<{ Contents: Array<{ Key: string }> }>(
      serve.url,
      ['s3api', 'list-objects-v2', '--bucket', 'sagemaker-us-east-1-123456789012'],
      env,
    );
    expect(objects.Contents.map((o) => o.Key)).toEqual(expect.arrayContaining(['backend-job/input/train/train.csv', 'backend-job/output/model.tar.gz']));
  });

  it('stops a cloud job and reads its logs through the aws backend', async () => {
    const project = path.join(dir, 'project-stop');
    await mkdir(project, { recursive: true });
    await writeFile(
      path.join(project, 'job.yaml'),
      [
        `imageUri: ${PROBE_IMAGE}`,
        'instanceType: ml.m5.large',
        'role: arn:aws:iam::000000000000:role/SageMakerRole',
        'outputPath: s3://out-bucket/jobs',
        'hyperparameters: { mode: sleep }',
      ].join('\n'),
    );
    const cliEnv = { ...env, AWS_ENDPOINT_URL: serve.url, AWS_REGION: 'us-east-1', SAGEKIT_STATE_DIR: path.join(dir, 'client-state') };
    expect((await aws(serve.url, ['s3', 'mb', 's3://out-bucket'], env)).code).toBe(0);
    const started = await runCli(['train', '--config', 'job.yaml', '--job-name', 'backend-stop', '--no-wait'], { cwd: project, env: cliEnv });
    expect(started.code, started.stderr).toBe(0);
    // The probe writes partial.txt once its SIGTERM trap is set (the host directory is in serve's record).
    const partial = path.join(serve.stateDir, 'jobs/backend-stop/hosts/algo-1/model/algo-1/partial.txt');
    await eventually(async () => (existsSync(partial) ? true : undefined), 'backend-stop to set its SIGTERM trap');
    const stopped = await runCli(['stop', 'backend-stop', '--backend', 'aws', '--wait', '--json'], { env: cliEnv });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      TrainingJobStatus: 'Stopped',
      ModelArtifacts: { S3ModelArtifacts: 's3://out-bucket/jobs/backend-stop/output/model.tar.gz' },
    });
    const logs = await runCli(['logs', 'backend-stop', '--backend', 'aws'], { env: cliEnv });
    expect(logs.stdout).toContain('probe on algo-1 mode=sleep');
    expect(logs.stdout).toContain('got SIGTERM');
  });
});

/** The CLI as users meet it: help, usage errors, dry runs, validation, init. No engine, no AWS. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/cli.js';
import { PARITY_DIR as PARITY } from '../helpers/parity.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-'));
const noAws = { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none'), SAGEKIT_STATE_DIR: path.join(dir, 'state') };

function jobFile(name: string, content: Record<string, unknown>): string {
  const file = path.join(dir, name);
  writeFileSync(file, YAML.stringify(content));
  return file;
}

describe('sagekit CLI basics', () => {
  it('--help lists every command with exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['train', 'describe', 'logs', 'stop', 'list', 'init']) expect(r.stdout).toContain(command);
    expect(r.stdout).not.toContain('_run-local');
    expect(r.stderr).toBe('');
  });

  it('each command has help with an example', async () => {
    for (const command of ['train', 'describe', 'logs', 'stop', 'list', 'init']) {
      const r = await runCli([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toContain('Examples:');
    }
  });

  it('usage mistakes exit 2', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const missing = await runCli(['train']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '-c, --config <file>' not specified");
  });

  it('--dry-run prints exactly the parity request and contacts nothing', async () => {
    const vector = JSON.parse(readFileSync(path.join(PARITY, 'p22_kitchen_sink.json'), 'utf8')) as {
      config: Record<string, unknown>;
      request: unknown;
    };
    const file = jobFile('p22.yaml', vector.config);
    const r = await runCli(['train', '--config', file, '--dry-run'], { env: { ...noAws, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(vector.request);
  });

  it('--set, --job-name and --default-bucket apply on top of the file', async () => {
    const file = jobFile('set.yaml', {
      imageUri: '111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest',
      role: 'SageMakerRole',
      instanceType: 'ml.m5.xlarge',
      region: 'us-west-2',
      hyperparameters: { epochs: 1 },
    });
    const r = await runCli(
      [
        'train',
        '-c',
        file,
        '--dry-run',
        '--json',
        '--set',
        'hyperparameters.epochs=20',
        '--set',
        'tags.team=ml',
        '--job-name',
        'fixed-1',
        '--default-bucket',
        'my-bucket',
      ],
      { env: noAws },
    );
    expect(r.code).toBe(0);
    const request = JSON.parse(r.stdout) as Record<string, any>;
    expect(request.HyperParameters).toEqual({ epochs: '20' });
    expect(request.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    expect(request.TrainingJobName).toBe('fixed-1');
    expect(request.OutputDataConfig.S3OutputPath).toBe('s3://my-bucket/');
    expect(request.RoleArn).toBe('SageMakerRole');
  });

  it('generates a job name from the image when none is given', async () => {
    const file = jobFile('gen.yaml', { imageUri: 'repo/my-trainer:1', instanceType: 'local', outputPath: './out' });
    const r = await runCli(['train', '-c', file, '--dry-run'], { env: noAws });
    expect(r.code).toBe(0);
    const request = JSON.parse(r.stdout) as Record<string, any>;
    expect(request.TrainingJobName).toMatch(/^my-trainer-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/);
    expect(request.OutputDataConfig.S3OutputPath).toBe(`file://${path.join(dir, 'out')}`);
    expect(request.DebugHookConfig).toBeUndefined();
    expect(request.ProfilerConfig).toBeUndefined();
  });

  it('bad input exits 2 naming the file, every key and rule, before anything happens', async () => {
    const file = jobFile('bad.yaml', {
      imageUri: 'x',
      instanceType: 'ml.m5.xlarge',
      role: 'arn:aws:iam::111122223333:role/R',
      outputPath: 's3://my-bucket/o',
      instanceCont: 2,
      maxRetryAttempts: 50,
    });
    const r = await runCli(['train', '-c', file], { env: noAws });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error: invalid job in ');
    expect(r.stderr).toContain('bad.yaml: 2 problems');
    expect(r.stderr).toContain('instanceCont: unknown option; did you mean "instanceCount"?');
    expect(r.stderr).toContain('maxRetryAttempts: must be an integer between 1 and 30 (got 50)');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace without --debug
  });

  it('a missing job file or YAML error exits 2 with one clear line', async () => {
    const missing = await runCli(['train', '-c', path.join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: job file not found: .*nope\.yaml\nhint: create one with: sagekit init/);
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'imageUri: [oops');
    const r = await runCli(['train', '-c', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: cannot parse .*broken\.yaml:1:\d+/);
  });

  it('a cloud dry run without outputPath asks for a default bucket (exit 2)', async () => {
    const file = jobFile('nobucket.yaml', { imageUri: 'img', instanceType: 'ml.m5.xlarge', role: 'arn:aws:iam::111122223333:role/R' });
    const r = await runCli(['train', '-c', file, '--dry-run'], { env: noAws });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('outputPath: is not set and the default bucket');
  });

  it('init scaffolds a job that validates, and refuses to overwrite', async () => {
    const target = path.join(dir, 'my-job');
    const r = await runCli(['init', target]);
    expect(r.code).toBe(0);
    for (const f of ['job.yaml', 'Dockerfile', 'train', 'data/train.csv']) expect(existsSync(path.join(target, f)), f).toBe(true);
    expect(statSync(path.join(target, 'train')).mode & 0o111).not.toBe(0);
    expect(readFileSync(path.join(target, 'Dockerfile'), 'utf8')).toContain('ARG BASE_IMAGE');
    const dry = await runCli(['train', '-c', path.join(target, 'job.yaml'), '--dry-run'], { env: noAws });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).InputDataConfig[0].DataSource.S3DataSource.S3Uri).toBe(`file://${path.join(target, 'data')}`);
    const again = await runCli(['init', target]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has job.yaml');
  });
});

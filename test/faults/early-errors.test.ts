/**
 * Mistakes caught before anything starts, and errors that say the right thing (issue 13,
 * FAULTS 12, 15, 16, 19, 20, 21): exit 2 for the user's mistake, 3 for the machine's, no record
 * created, no container run. The real CLI binary as a subprocess.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { SagekitError } from '../../src/errors.js';
import { Estimator } from '../../src/estimator/estimator.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { buildFaultImage, faultWorkspace, FAULT_IMAGE } from './helpers.js';

const ws = faultWorkspace('faults-early');
const cwd = path.join(ws.dir, 'project');
const jobFile = (name: string, options: Record<string, unknown>) => {
  const file = path.join(cwd, `${name}.yaml`);
  writeFileSync(file, YAML.stringify(options));
  return file;
};
const localJob = (patch: Record<string, unknown> = {}) => ({
  imageUri: FAULT_IMAGE,
  instanceType: 'local',
  outputPath: './output',
  environment: { FAULT_SCRIPT: 'echo hi' },
  local: { pull: 'never' },
  ...patch,
});
const noRecord = (name: string) => expect(existsSync(path.join(ws.stateDir, 'jobs', name)), `record of ${name}`).toBe(false);

beforeAll(async () => {
  mkdirSync(path.join(cwd, 'data'), { recursive: true });
  writeFileSync(path.join(cwd, 'data', 'train.csv'), '1,2\n');
  await buildFaultImage();
});

describe('a job that is not local, with no AWS region (FAULTS 15)', () => {
  it.each([['describe'], ['logs'], ['stop']])('%s: exit 2, "no local training job named", and how to reach SageMaker', async (command) => {
    const r = await runCli([command, 'no-such-job'], { env: ws.env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('no local training job named no-such-job');
    expect(r.stderr).toMatch(/no AWS region is configured[\s\S]*hint: .*--region/);
    expect(r.stderr).not.toContain('Region is missing');
  });

  it('--backend aws asked explicitly: exit 3 for the missing region (describe and list)', async () => {
    for (const args of [
      ['describe', 'no-such-job', '--backend', 'aws'],
      ['list', '--backend', 'aws'],
    ]) {
      const r = await runCli(args, { env: ws.env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain('no AWS region is configured');
    }
  });

  it('Estimator.attach of an unknown job throws a SagekitError (exit code 2)', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, ws.env);
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    try {
      const error = await Estimator.attach('no-such-job', { stateDir: ws.stateDir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SagekitError);
      expect((error as SagekitError).exitCode).toBe(2);
      expect((error as Error).message).toContain('no local training job named no-such-job');
    } finally {
      process.env = saved;
    }
  });

  it('the SDK used as a library prints no NodeVersionSupportWarning', async () => {
    const script = `import { Estimator } from ${JSON.stringify(path.join(ROOT, 'src/estimator/estimator.ts'))};
await Estimator.attach('no-such-job').catch((e) => console.log('failed:', e.name));`;
    const env: NodeJS.ProcessEnv = { ...process.env, ...ws.env, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.on('close', resolve));
    expect(out).toContain('failed:');
    expect(out).not.toContain('NodeVersionSupportWarning');
  });
});

describe('local mistakes refused before anything starts (FAULTS 16)', () => {
  it('an input path that does not exist: exit 2 with "did you mean ./data?", no record', async () => {
    const r = await runCli(['train', jobFile('typo', localJob({ inputs: { train: './dta' } })), '--job-name', 'fault-typo'], { env: ws.env, cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('inputs.train: ./dta does not exist');
    expect(r.stderr).toContain('did you mean ./data?');
    noRecord('fault-typo');
  });

  it('an image that is not here with pull "never": exit 3, no record', async () => {
    const r = await runCli(['train', jobFile('noimage', localJob({ imageUri: 'localhost/sagekit-no-such-image:1' })), '--job-name', 'fault-noimage'], {
      env: ws.env,
      cwd,
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('image localhost/sagekit-no-such-image:1 is not on this machine and pull is "never"');
    noRecord('fault-noimage');
  });

  it('a build context without a Dockerfile: exit 2, no record', async () => {
    const r = await runCli(['train', jobFile('nodockerfile', localJob()), '--job-name', 'fault-nodockerfile', '--build', path.join(cwd, 'data')], {
      env: ws.env,
      cwd,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`no Dockerfile in ${path.join(cwd, 'data')}`);
    noRecord('fault-nodockerfile');
  });

  it('a data path with a colon (FAULTS 14): exit 2 naming the path, no record', async () => {
    mkdirSync(path.join(cwd, 'run-12:30'), { recursive: true });
    writeFileSync(path.join(cwd, 'run-12:30', 'a.csv'), 'x\n');
    const r = await runCli(['train', jobFile('colon', localJob({ inputs: { train: './run-12:30' } })), '--job-name', 'fault-colon'], { env: ws.env, cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/inputs\.train: .*run-12:30 contains ":"/);
    noRecord('fault-colon');
  });
});

describe('command-line values checked (FAULTS 19) and the job file as an argument', () => {
  it.each([
    [['list', '--status', 'Running'], /--status "Running": must be one of InProgress, Completed, Failed, Stopping, Stopped[\s\S]*--status InProgress/],
    [['list', '--max', 'abc'], /--max "abc": must be a whole number/],
    [['list', '--backend', 'nope'], /--backend "nope": must be one of local, aws, all/],
    [['describe', 'x', '--backend', 'nope'], /--backend "nope": must be one of local, aws/],
  ])('%j: exit 2', async (args, message) => {
    const r = await runCli(args, { env: ws.env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('--status in any case matches (completed = Completed)', async () => {
    const r = await runCli(['list', '--status', 'completed', '--backend', 'local', '--json'], { env: ws.env });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('sagekit train job.yaml takes the job file as an argument (--config still works)', async () => {
    const file = jobFile('positional', localJob());
    const r = await runCli(['train', file, '--dry-run'], { env: ws.env, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).AlgorithmSpecification.TrainingImage).toBe(FAULT_IMAGE);
    const both = await runCli(['train', file, '--config', jobFile('other', localJob()), '--dry-run'], { env: ws.env, cwd });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('two job files given');
  });
});

describe('cloud dry run (FAULTS 21)', () => {
  const cloud = (patch: Record<string, unknown>) =>
    jobFile('cloud', {
      imageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1',
      instanceType: 'ml.m5.xlarge',
      role: 'arn:aws:iam::123456789012:role/r',
      outputPath: 's3://bucket/out',
      region: 'us-east-1',
      ...patch,
    });

  it('an instance type SageMaker does not have: exit 2 with the closest one', async () => {
    const r = await runCli(['train', cloud({ instanceType: 'ml.m5.xlarg' }), '--dry-run'], { env: ws.env, cwd });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('instanceType: is not a SageMaker training instance type; did you mean "ml.m5.xlarge"? (got "ml.m5.xlarg")');
  });

  it('a localhost/ image and local.buildContext: warnings on stderr', async () => {
    const r = await runCli(['train', cloud({ imageUri: 'localhost/my-job:latest', local: { buildContext: '.' } }), '--dry-run'], { env: ws.env, cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: imageUri localhost/my-job:latest is an image of this machine, which SageMaker cannot pull');
    expect(r.stderr).toContain('warning: local.buildContext is ignored for ml.m5.xlarge');
  });
});

/**
 * Script mode and the rest of `Estimator.__init__` on the local backend, against the real
 * engine: a toolkit stand-in image (test/fixtures/toolkit, built here through the engine API)
 * runs the user's script from /opt/ml/code with its hyperparameters as arguments on every host;
 * container entry point and arguments, instance groups (resourceconfig.json, channels per
 * group), uncompressed output and the cloud-only warnings are checked with plain busybox.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tar from 'tar';
import { Estimator } from '../../src/estimator/estimator.js';
import type { EstimatorOptions } from '../../src/estimator/options.js';
import { buildTrainingRequest } from '../../src/estimator/request.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { JobEvents } from '../../src/events.js';
import { runCli } from '../helpers/cli.js';
import { recordingEvents } from '../helpers/job-events.js';
import { BASE_IMAGE } from '../setup/images.js';

const TOOLKIT_IMAGE = 'localhost/sagekit-toolkit:test';
const TOOLKIT_CONTEXT = path.resolve(import.meta.dirname, '../../examples/script-mode/image');
const root = mkdtempSync(path.join(tmpdir(), 'sagekit-script-mode-'));
const stateDir = path.join(root, 'state');
const outputDir = path.join(root, 'output');

/** A project folder: src/ (the entry point and a subfolder), lib/mylib (a dependency). */
function project(): string {
  const dir = path.join(root, 'project');
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  write(
    'src/train.sh',
    [
      '. ./mylib/helpers.sh',
      '. ./util/more.sh',
      'out=/opt/ml/model/$(hostname)',
      'mkdir -p "$out"',
      'printf "%s\\n" "$@" > "$out/args.txt"',
      'pwd > "$out/pwd.txt"',
      'greeting > "$out/greeting.txt"',
      'echo "trained on $(hostname) with $*"',
    ].join('\n'),
  );
  write('src/util/more.sh', 'more() { echo more; }\n');
  write('lib/mylib/helpers.sh', 'greeting() { echo "hello from mylib"; }\n');
  return dir;
}

let counter = 0;
async function run(options: Partial<EstimatorOptions>) {
  const name = `script-${process.pid}-${++counter}`;
  const recorded = recordingEvents();
  const estimator = new Estimator({
    imageUri: BASE_IMAGE,
    instanceType: 'local',
    outputPath: outputDir,
    jobName: name,
    ...options,
    local: { stateDir, pull: 'never', stopGracePeriodSeconds: 2 },
  } as EstimatorOptions);
  const job = await estimator.fit(undefined, { throwOnFailure: false, events: recorded.events });
  return { name, describe: await job.describe(), ...recorded };
}

function extractModel(name: string): string {
  const dir = mkdtempSync(path.join(root, 'model-'));
  tar.x({ file: path.join(outputDir, name, 'output', 'model.tar.gz'), cwd: dir, sync: true });
  return dir;
}

beforeAll(async () => {
  await buildImage(await connectEngine(), TOOLKIT_IMAGE, TOOLKIT_CONTEXT, { BASE_IMAGE }, new JobEvents());
}, 180_000);

describe('script mode on the local backend', () => {
  const dir = project();
  const job: Partial<EstimatorOptions> = {
    imageUri: TOOLKIT_IMAGE,
    instanceCount: 2,
    entryPoint: 'train.sh',
    sourceDir: path.join(dir, 'src'),
    dependencies: [path.join(dir, 'lib', 'mylib')],
    hyperparameters: { epochs: 3, optimizer: 'adam w' },
  };

  it('runs the script from /opt/ml/code on both hosts with its hyperparameters as arguments; the model lands in model.tar.gz', async () => {
    const ran = await run(job);
    expect(ran.describe.FailureReason).toBeUndefined();
    expect(ran.describe.TrainingJobStatus).toBe('Completed');
    const model = extractModel(ran.name);
    for (const host of ['algo-1', 'algo-2']) {
      expect(readFileSync(path.join(model, host, 'args.txt'), 'utf8')).toBe('--epochs\n3\n--optimizer\nadam w\n');
      expect(readFileSync(path.join(model, host, 'pwd.txt'), 'utf8').trim()).toBe('/opt/ml/code');
      expect(readFileSync(path.join(model, host, 'greeting.txt'), 'utf8').trim()).toBe('hello from mylib');
      const hyperparameters = JSON.parse(readFileSync(path.join(stateDir, 'jobs', ran.name, 'hosts', host, 'input', 'config', 'hyperparameters.json'), 'utf8'));
      expect(hyperparameters.sagemaker_submit_directory).toBe('"/opt/ml/code"');
      expect(hyperparameters.sagemaker_program).toBe('"train.sh"');
    }
    expect(
      ran.logs
        .filter((l) => l.message.startsWith('trained on'))
        .map((l) => l.message)
        .sort(),
    ).toEqual(['trained on algo-1 with --epochs 3 --optimizer adam w', 'trained on algo-2 with --epochs 3 --optimizer adam w']);
  }, 180_000);

  it('gitConfig: the code is cloned from a repository (file://) and placed at /opt/ml/code', async () => {
    const repo = path.join(root, 'repo');
    mkdirSync(path.join(repo, 'code'), { recursive: true });
    writeFileSync(path.join(repo, 'code', 'fit.sh'), 'mkdir -p /opt/ml/model && echo "from git $*" > /opt/ml/model/git.txt\n');
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'code');
    const ran = await run({
      imageUri: TOOLKIT_IMAGE,
      entryPoint: 'fit.sh',
      sourceDir: 'code',
      gitConfig: { repo: `file://${repo}` },
      hyperparameters: { lr: 0.5 },
    });
    expect(ran.describe.FailureReason).toBeUndefined();
    expect(readFileSync(path.join(extractModel(ran.name), 'git.txt'), 'utf8').trim()).toBe('from git --lr 0.5');
  }, 180_000);

  it('the same job dry-runs for SageMaker with the script-mode request', () => {
    const { request, code } = buildTrainingRequest(
      {
        ...job,
        instanceType: 'ml.m5.xlarge',
        role: 'arn:aws:iam::111122223333:role/R',
        region: 'us-west-2',
        outputPath: 's3://my-bucket/out',
      } as EstimatorOptions,
      undefined,
      { jobName: 'script-job' },
    );
    expect(request.HyperParameters).toEqual({
      epochs: '3',
      optimizer: '"adam w"',
      sagemaker_submit_directory: '"s3://my-bucket/script-job/source/sourcedir.tar.gz"',
      sagemaker_program: '"train.sh"',
      sagemaker_container_log_level: '20',
      sagemaker_job_name: '"script-job"',
      sagemaker_region: '"us-west-2"',
    });
    expect(code?.uploadUri).toBe('s3://my-bucket/script-job/source/sourcedir.tar.gz');
  });
});

describe('container entry point, instance groups, uncompressed output, cloud-only options', () => {
  it('runs the entry point with the arguments, lays out the groups, mounts each channel on its groups, saves the model uncompressed, warns once', async () => {
    const data = path.join(root, 'data');
    for (const channel of ['a', 'b']) {
      mkdirSync(path.join(data, channel), { recursive: true });
      writeFileSync(path.join(data, channel, `${channel}.txt`), channel);
    }
    // The probe travels as a channel of every host (an entry point argument is at most 256 characters).
    mkdirSync(path.join(data, 'tools'), { recursive: true });
    writeFileSync(
      path.join(data, 'tools', 'probe.sh'),
      [
        'out=/opt/ml/model/$(hostname)',
        'mkdir -p "$out"',
        'cp /opt/ml/input/config/resourceconfig.json /opt/ml/input/config/inputdataconfig.json "$out/"',
        'ls /opt/ml/input/data > "$out/channels.txt"',
        'echo "$0 $*" > "$out/command.txt"',
        'echo out > /opt/ml/output/data/$(hostname).txt',
        'echo "hello from $(hostname)"',
      ].join('\n'),
    );
    const ran = await run({
      instanceType: undefined,
      instanceGroups: [
        { instanceGroupName: 'cpu', instanceType: 'local', instanceCount: 1 },
        { instanceGroupName: 'gpu', instanceType: 'local', instanceCount: 2 },
      ],
      inputs: { a: { s3Data: path.join(data, 'a'), instanceGroups: ['gpu'] }, b: path.join(data, 'b'), tools: path.join(data, 'tools') },
      containerEntryPoint: ['sh', '/opt/ml/input/data/tools/probe.sh'],
      containerArguments: ['--alpha', '1'],
      disableOutputCompression: true,
      keepAlivePeriodInSeconds: 60,
    });
    expect(ran.describe.FailureReason).toBeUndefined();
    expect(ran.describe.TrainingJobStatus).toBe('Completed');
    const modelDir = path.join(outputDir, ran.name, 'output', 'model');
    expect(ran.describe.ModelArtifacts?.S3ModelArtifacts).toBe(`file://${modelDir}/`);
    expect(readdirSync(path.join(outputDir, ran.name, 'output'))).toEqual(['data', 'model']);
    expect(readdirSync(path.join(outputDir, ran.name, 'output', 'data')).sort()).toEqual(['algo-1.txt', 'algo-2.txt', 'algo-3.txt']);
    const groups = [
      { instance_group_name: 'cpu', instance_type: 'local', hosts: ['algo-1'] },
      { instance_group_name: 'gpu', instance_type: 'local', hosts: ['algo-2', 'algo-3'] },
    ];
    const hostFile = (host: string, file: string) => readFileSync(path.join(modelDir, host, file), 'utf8');
    for (const [host, group, channels] of [
      ['algo-1', 'cpu', ['b', 'tools']],
      ['algo-2', 'gpu', ['a', 'b', 'tools']],
      ['algo-3', 'gpu', ['a', 'b', 'tools']],
    ] as const) {
      expect(JSON.parse(hostFile(host, 'resourceconfig.json'))).toEqual({
        current_host: host,
        current_instance_type: 'local',
        current_group_name: group,
        hosts: ['algo-1', 'algo-2', 'algo-3'],
        instance_groups: groups,
        network_interface_name: 'eth0',
      });
      expect(hostFile(host, 'channels.txt').trim().split('\n')).toEqual(channels);
      expect(Object.keys(JSON.parse(hostFile(host, 'inputdataconfig.json')))).toEqual(channels);
      expect(hostFile(host, 'command.txt').trim()).toBe('/opt/ml/input/data/tools/probe.sh --alpha 1');
    }
    expect(ran.warnings.filter((w) => w.startsWith('keepAlivePeriodInSeconds is not honoured by local jobs'))).toHaveLength(1);
    // The CLI shows the groups and prefixes each host's lines.
    const described = await runCli(['describe', ran.name], { env: { SAGEKIT_STATE_DIR: stateDir } });
    expect(described.stdout).toContain('instances  cpu: 1 x local, gpu: 2 x local');
    const logs = await runCli(['logs', ran.name], { env: { SAGEKIT_STATE_DIR: stateDir } });
    expect(
      logs.stdout
        .split('\n')
        .filter((l) => l.includes('hello from'))
        .sort(),
    ).toEqual(['algo-1 | hello from algo-1', 'algo-2 | hello from algo-2', 'algo-3 | hello from algo-3']);
  }, 180_000);
});

describe('sourceCode: code in any image, without the training toolkit', () => {
  it('mounts the code channel and runs the entry script (and a command) from it in plain busybox', async () => {
    const code = path.join(root, 'any-image-code');
    mkdirSync(code, { recursive: true });
    writeFileSync(path.join(code, 'run.sh'), 'mkdir -p /opt/ml/model && pwd > /opt/ml/model/pwd.txt && echo "script $*" > /opt/ml/model/ran.txt\n');
    const script = await run({ instanceCount: 2, sourceCode: { sourceDir: code, entryScript: 'run.sh' } });
    expect(script.describe.FailureReason).toBeUndefined();
    const model = extractModel(script.name);
    expect(readFileSync(path.join(model, 'pwd.txt'), 'utf8').trim()).toBe('/opt/ml/input/data/code');
    expect(readFileSync(path.join(model, 'ran.txt'), 'utf8').trim()).toBe('script');
    // requirements: `python3 -m pip install -r …` runs first, then the script; a python3 on PATH
    // (from the code folder; busybox has none) records what it was asked to do.
    mkdirSync(path.join(code, 'bin'), { recursive: true });
    writeFileSync(
      path.join(code, 'bin', 'python3'),
      '#!/bin/sh\nmkdir -p /opt/ml/model\necho "$*" >> /opt/ml/model/python3.txt\n[ "$1" = -m ] || exec sh "$@"\n',
      { mode: 0o755 },
    );
    writeFileSync(path.join(code, 'requirements.txt'), 'numpy\n');
    writeFileSync(path.join(code, 'fit.py'), 'echo fitted > /opt/ml/model/fit.txt\n');
    const withRequirements = await run({
      sourceCode: { sourceDir: code, entryScript: 'fit.py', requirements: 'requirements.txt' },
      environment: { PATH: '/opt/ml/input/data/code/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    expect(withRequirements.describe.FailureReason).toBeUndefined();
    const installed = extractModel(withRequirements.name);
    expect(readFileSync(path.join(installed, 'python3.txt'), 'utf8')).toBe('-m pip install -r requirements.txt\nfit.py\n');
    expect(readFileSync(path.join(installed, 'fit.txt'), 'utf8')).toBe('fitted\n');
    const command = await run({ sourceCode: { sourceDir: code, command: 'sh run.sh from-command' } });
    expect(command.describe.FailureReason).toBeUndefined();
    expect(readFileSync(path.join(extractModel(command.name), 'ran.txt'), 'utf8').trim()).toBe('script from-command');
  }, 180_000);
});

describe('examples/script-mode', () => {
  it('trains on two hosts through the CLI and saves the fitted model', async () => {
    const out = path.join(root, 'example-output');
    const r = await runCli(['train', '--config', 'examples/script-mode/job.yaml', '--json', '--set', `outputPath=${out}`], {
      env: { SAGEKIT_STATE_DIR: stateDir },
      timeoutMs: 170_000,
    });
    expect(r.stderr).toContain('algo-2 | algo-2: w=');
    expect(r.code).toBe(0);
    const describe = JSON.parse(r.stdout) as { TrainingJobName: string };
    const model = mkdtempSync(path.join(root, 'example-model-'));
    tar.x({ file: path.join(out, describe.TrainingJobName, 'output', 'model.tar.gz'), cwd: model, sync: true });
    const fitted = JSON.parse(readFileSync(path.join(model, 'model.json'), 'utf8')) as { w: number; b: number };
    // The data is y = 2.5x - 1 plus noise.
    expect(fitted.w).toBeCloseTo(2.5, 1);
    expect(fitted.b).toBeCloseTo(-1, 1);
  }, 180_000);

  it('--no-wait: the detached runner places the code too', async () => {
    const out = path.join(root, 'example-detached');
    const env = { SAGEKIT_STATE_DIR: stateDir };
    const name = `script-detached-${process.pid}`;
    const started = await runCli(
      ['train', '--config', 'examples/script-mode/job.yaml', '--no-wait', '--job-name', name, '--set', 'instanceCount=1', '--set', `outputPath=${out}`],
      { env },
    );
    expect(started.code).toBe(0);
    // Hang detection only: a generous bound on polling the record.
    let status = '';
    for (let i = 0; i < 600 && !['Completed', 'Failed', 'Stopped'].includes(status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (JSON.parse((await runCli(['describe', name, '--json'], { env })).stdout || '{}') as { TrainingJobStatus?: string }).TrainingJobStatus ?? '';
    }
    expect(status).toBe('Completed');
    const logs = await runCli(['logs', name], { env });
    expect(logs.stdout).toContain('toolkit: running train.sh --epochs 200 --learning_rate 0.1');
  }, 180_000);
});

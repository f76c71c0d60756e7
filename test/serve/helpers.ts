/**
 * `sagekit serve` as the tests drive it: the real binary in its own process on a free port
 * (`--port 0`, the URL read from its first line), and the real clients nobody here wrote —
 * Debian's AWS CLI and boto3 — pointed at it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { PROBE_IMAGE } from '../setup/images.js';

/** A running `sagekit serve`. */
export interface ServeProcess {
  url: string;
  stateDir: string;
  child: ChildProcess;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the process ended. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `sagekit serve --port 0` over `stateDir`; resolves once it listens. */
export function startServeProcess(stateDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, '--state-dir', stateDir, 'serve', '--port', '0', '--stop-grace-period', '10', ...extraArgs], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (!url) return;
      resolve({
        url,
        stateDir,
        child,
        stderr: () => stderr,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`sagekit serve exited (${code}) before listening:\n${stderr}`)));
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Removes a temporary directory. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Debian's binaries first: the tests are about clients nobody here wrote, not whatever shims PATH has. */
function systemBinary(name: string): string {
  return existsSync(`/usr/bin/${name}`) ? `/usr/bin/${name}` : name;
}

/** Environment of the AWS clients: dummy credentials, no user configuration, no pager. */
export async function clientEnv(home: string): Promise<NodeJS.ProcessEnv> {
  await writeFile(path.join(home, 'empty-config'), '');
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: 'AKIDSERVETEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(home, 'empty-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'empty-config'),
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** What a client printed and how it exited. */
export interface ClientResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ClientResult> {
  return new Promise((resolve) => {
    execFile(file, args, { env, cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `aws --endpoint-url URL ...args`. */
export function aws(url: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ClientResult> {
  return run(systemBinary('aws'), ['--endpoint-url', url, ...args], env, cwd);
}

/** Runs `aws ... --output json` and parses the answer (throws with stderr when it failed). */
export async function awsJson<T = Record<string, unknown>>(url: string, args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const result = await aws(url, [...args, '--output', 'json'], env);
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout || '{}') as T;
}

/** Runs a Python script with Debian's python3 (and its boto3). */
export function python(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<ClientResult> {
  return run(systemBinary('python3'), ['-c', script, ...args], env);
}

/** A CreateTrainingJob request for the probe image (test/fixtures/probe) reading s3://bucket/input/train. */
export function probeJob(name: string, options: { mode?: string; hosts?: number; bucket?: string } = {}): Record<string, unknown> {
  const bucket = options.bucket ?? 'bucket';
  return {
    TrainingJobName: name,
    AlgorithmSpecification: {
      TrainingImage: PROBE_IMAGE,
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'train:loss', Regex: 'train_loss=([0-9.]+)' }],
    },
    RoleArn: 'arn:aws:iam::000000000000:role/SageMakerRole',
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${bucket}/input/train`, S3DataDistributionType: 'FullyReplicated' } },
      },
    ],
    OutputDataConfig: { S3OutputPath: `s3://${bucket}/output` },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: options.hosts ?? 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 600 },
    HyperParameters: { mode: options.mode ?? 'normal' },
  };
}

/** Polls `check` until it returns a value (hang detection: generous bound, no timing assertion). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, boundMs = 90_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

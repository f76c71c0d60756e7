/**
 * Shared parts of the fault suite: one tiny image whose `train` runs the shell script given in
 * the job's environment (FAULT_SCRIPT), job files, the real CLI as a subprocess with signals sent
 * at the right moment, and checks that a job left nothing behind on the engine (filtered by the
 * job's own name: other suites and helpers use the same engine at the same time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobEvents } from '../../src/events.js';
import { connectEngine } from '../../src/local/engine/connect.js';
import { buildImage } from '../../src/local/image.js';
import { BIN } from '../helpers/cli.js';
import { BASE_IMAGE } from '../setup/images.js';

export const FAULT_IMAGE = 'localhost/sagekit-faults:test';

/** Builds the fault image: busybox plus a `train` that execs $FAULT_SCRIPT (as PID 1's child shell). */
export async function buildFaultImage(): Promise<void> {
  const context = mkdtempSync(path.join(tmpdir(), 'sagekit-fault-image-'));
  writeFileSync(path.join(context, 'Dockerfile'), 'ARG BASE_IMAGE=busybox:1.36\nFROM ${BASE_IMAGE}\nCOPY train /usr/local/bin/train\n');
  writeFileSync(path.join(context, 'train'), '#!/bin/sh\nexec sh -c "$FAULT_SCRIPT"\n', { mode: 0o755 });
  await buildImage(await connectEngine(), FAULT_IMAGE, context, { BASE_IMAGE }, new JobEvents());
}

/** A scratch directory with a state dir, an env for the CLI, and job files. */
export function faultWorkspace(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `sagekit-${prefix}-`));
  const stateDir = path.join(dir, 'state');
  const env = {
    SAGEKIT_STATE_DIR: stateDir,
    AWS_REGION: '',
    AWS_DEFAULT_REGION: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: path.join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-aws-credentials'),
  };
  /** Writes a job file running `script`; `patch` overrides any key. */
  const job = (name: string, script: string, patch: Record<string, unknown> = {}): string => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        imageUri: FAULT_IMAGE,
        instanceType: 'local',
        outputPath: path.join(dir, 'output'),
        environment: { FAULT_SCRIPT: script },
        maxRun: 120,
        local: { pull: 'never', stopGracePeriodSeconds: 3 },
        ...patch,
      }),
    );
    return file;
  };
  /** Makes a data directory with `files`. */
  const data = async (name: string, files: Record<string, string | Buffer>): Promise<string> => {
    const root = path.join(dir, name);
    await mkdir(root, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(root, file), content);
    return root;
  };
  /** The job's record as written by the CLI. */
  const record = async (name: string): Promise<Record<string, any>> =>
    JSON.parse(await readFile(path.join(stateDir, 'jobs', name, 'describe.json'), 'utf8')) as Record<string, any>;
  return { dir, stateDir, env, job, data, record };
}

/** A running CLI: its output so far, and its end (or `undefined` from {@link endsWithin} on a hang). */
export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once `pattern` appears in stderr+stdout (rejects if the CLI ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started = new Set<ChildProcess>();

/** SIGKILLs every CLI this file started that is still running (afterAll: a hang must not outlive its test). */
export function killStartedClis(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}

/** Starts `sagekit ...args` with stdout and stderr on one pipe we read (as `2>&1 |` would). */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiters.splice(0)) (w.pattern.test(output) ? w.resolve : () => waiters.push(w))();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.stdout!.on('error', () => undefined);
  child.stderr!.on('error', () => undefined);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`the CLI ended (${code ?? signal}) before ${w.pattern}; output:\n${output}`));
      resolve({ code, signal });
    }),
  );
  return {
    child,
    output: () => output,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`the CLI ended before ${pattern}; output:\n${output}`));
        waiters.push({ pattern, resolve, reject });
      }),
    ended,
  };
}

/**
 * Hang detection: the CLI's exit within `ms` (a bound far above the expected time), or
 * `undefined` after SIGKILLing a CLI that did not end — with what its threads were waiting on.
 */
export async function endsWithin(cli: CliProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const result = await Promise.race([cli.ended, hung]);
  clearTimeout(timer);
  if (result) return result;
  cli.child.kill('SIGKILL');
  await cli.ended;
  return undefined;
}

/** Names of the engine's containers and networks that belong to job `name` (by label). */
export async function leftoversOf(name: string): Promise<string[]> {
  const { docker } = await connectEngine();
  const filters = JSON.stringify({ label: [`sagekit.job=${name}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return [...containers.map((c) => `container ${c.Names.join(',')} (${c.State})`), ...networks.map((n) => `network ${n.Name}`)];
}

/**
 * Three Ctrl-C as a user types them: each after the CLI answered the previous one (signals sent
 * closer together may merge into one on a loaded machine, as the kernel does not queue them).
 */
export async function interruptThrice(cli: CliProcess): Promise<void> {
  cli.child.kill('SIGINT');
  await cli.waitFor(/stopping .*Ctrl-C again/);
  cli.child.kill('SIGINT');
  await cli.waitFor(/killing .* now/);
  cli.child.kill('SIGINT');
}

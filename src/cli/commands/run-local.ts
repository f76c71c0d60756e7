/**
 * `train --no-wait` for local jobs: the job must outlive the command, so it runs in a detached
 * `sagekit _run-local` process while the command returns as soon as the job's record exists.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import type { Command } from 'commander';
import type { LocalRunSettings } from '../../backend.js';
import { EnvironmentError, NotFoundError } from '../../errors.js';
import type { Estimator } from '../../estimator/estimator.js';
import type { ScriptCode } from '../../estimator/script-mode.js';
import { JobEvents } from '../../events.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { packagePath } from '../../util/package-root.js';

/** What the parent hands to the detached runner. */
interface DetachedJob {
  request: CreateTrainingJobRequest;
  region?: string;
  local: LocalRunSettings;
  /** Script-mode code (see `BuiltRequest.code`). */
  code?: ScriptCode;
}

const BIN = packagePath('bin', 'sagekit.js');

/** Starts a local job in a detached process; resolves with its first describe document. */
export async function startDetachedLocalJob(estimator: Estimator, context: CliContext, timeoutMs = 120_000): Promise<DescribeTrainingJobResponse> {
  const { request, warnings, code } = estimator.buildRequest();
  for (const warning of warnings) context.term.line(`${context.term.style('yellow', 'warning:')} ${warning}`);
  const stateDir = context.flags().stateDir;
  const local: LocalRunSettings = { ...estimator.options.local, ...(stateDir && { stateDir }) };
  const dir = await mkdtemp(path.join(tmpdir(), 'sagekit-detached-'));
  const jobFile = path.join(dir, 'job.json');
  const errFile = path.join(dir, 'stderr.log');
  const job: DetachedJob = { request, local, ...(code && { code }), ...(estimator.options.region && { region: estimator.options.region }) };
  await writeFile(jobFile, JSON.stringify(job));
  const stderr = await open(errFile, 'w');
  // Loaded here: child_process brings net and dgram, which no other command needs at start-up.
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [BIN, '_run-local', jobFile], { detached: true, stdio: ['ignore', 'ignore', stderr.fd] });
  await stderr.close();
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });
  child.unref();

  const { openLocalJob } = await import('../../local/index.js');
  const name = request.TrainingJobName!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await openLocalJob(name, local.stateDir ? { stateDir: local.stateDir } : {});
      context.term.line(context.term.style('dim', `training job ${name} runs in the background; follow it with: sagekit logs ${name} --follow`));
      return await handle.describe();
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (exited !== undefined || Date.now() > deadline) {
      const output = (await readFile(errFile, 'utf8').catch(() => '')).trim();
      await rm(dir, { recursive: true, force: true });
      throw new EnvironmentError(
        exited !== undefined
          ? `the background job runner exited before ${name} started${output ? `:\n${output}` : ''}`
          : `${name} did not start within ${timeoutMs / 1000}s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function runDetached(file: string): Promise<number> {
  const job = JSON.parse(await readFile(file, 'utf8')) as DetachedJob;
  await rm(file, { force: true });
  const { startLocalJob } = await import('../../local/index.js');
  const handle = await startLocalJob({
    request: job.request,
    events: new JobEvents(),
    local: job.local,
    ...(job.code && { code: job.code }),
    ...(job.region && { region: job.region }),
  });
  const stop = () => void handle.stop();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const describe = await handle.wait({ throwOnFailure: false });
  // The start-up folder (job file, this process's stderr) is not needed once the job ended.
  const dir = path.dirname(file);
  if (path.basename(dir).startsWith('sagekit-detached-')) await rm(dir, { recursive: true, force: true });
  return describe.TrainingJobStatus === 'Completed' ? 0 : 1;
}

/** Registers the hidden `_run-local` command used by `train --no-wait`. */
export function registerRunLocal(program: Command, _context: CliContext, wrap: ActionWrapper): void {
  program
    .command('_run-local <file>', { hidden: true })
    .description('internal: run a local job described by <file> (used by train --no-wait)')
    .action(wrap((file: string) => runDetached(file)));
}

/** `sagekit train`: validate, build, run (or just print the request with --dry-run). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { LocalRunSettings } from '../../backend.js';
import { UsageError } from '../../errors.js';
import { isLocalJob, jobInstanceTypes } from '../../estimator/local-job.js';
import type { EstimatorOptions } from '../../estimator/options.js';
import { JobEvents } from '../../events.js';
import type { TrainingJob } from '../../job.js';
import type { CliContext } from '../context.js';
import { deferExitOnClosedOutput } from '../closed-output.js';
import { reportJobEvents, summaryLines } from '../job-reporter.js';
import type { ActionWrapper } from '../action.js';
import { startDetachedLocalJob } from './run-local.js';

interface TrainFlags {
  config?: string;
  dryRun?: boolean;
  wait: boolean;
  jobName?: string;
  region?: string;
  defaultBucket?: string;
  set: string[];
  instanceType?: string;
  stopOnInterrupt?: boolean;
  pull?: LocalRunSettings['pull'];
  build?: string;
  stopGracePeriod?: string;
  passAwsCredentials?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Job options from the file plus the command-line overrides, validated. */
async function loadJob(flags: TrainFlags): Promise<EstimatorOptions> {
  const overrides = [...flags.set];
  if (flags.instanceType) overrides.push(`instanceType=${flags.instanceType}`);
  if (!flags.config)
    throw new UsageError("required option '-c, --config <file>' not specified, nor a job file argument", 'sagekit train job.yaml (or --config job.yaml)');
  // The job-file parser and the validator (YAML, zod) load when a job is read, not at start-up.
  const [{ loadJobFile }, { validateOptions }] = await Promise.all([import('../../config/job-file.js'), import('../../estimator/validate.js')]);
  const loaded = await loadJobFile(flags.config, overrides);
  const options = { ...loaded.options };
  if (flags.jobName) options.jobName = flags.jobName;
  if (flags.region) options.region = flags.region;
  if (flags.defaultBucket) options.defaultBucket = flags.defaultBucket;
  const local = { ...(options.local as LocalRunSettings | undefined) };
  if (flags.pull) local.pull = flags.pull;
  if (flags.build) local.buildContext = path.resolve(flags.build);
  if (flags.stopGracePeriod !== undefined) local.stopGracePeriodSeconds = Number(flags.stopGracePeriod);
  if (flags.passAwsCredentials) local.passAwsCredentials = true;
  if (Object.keys(local).length) options.local = local;
  return validateOptions(options, path.relative(process.cwd(), loaded.file) || loaded.file);
}

/**
 * Leaves a local job's "stop requested" mark behind (synchronously: the process exits next), so
 * whoever finds the job without its process records it as Stopped, not Failed.
 */
function markStopRequested(job: TrainingJob): void {
  const file = (job as { paths?: { stopRequested?: string } }).paths?.stopRequested;
  if (job.backend !== 'local' || !file) return;
  try {
    writeFileSync(file, new Date().toISOString());
  } catch {
    // the record folder is gone: nothing to mark
  }
}

/** Asks on the terminal whether to stop a cloud job; false when there is no terminal. */
async function confirmStop(context: CliContext, jobName: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: context.term.stream as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`Stop training job ${jobName} on SageMaker? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/**
 * Waits for a job while handling Ctrl-C: local jobs are stopped (artifacts kept); cloud jobs are
 * stopped with --stop-on-interrupt or after confirmation, otherwise left running.
 */
async function waitWithInterrupts(job: TrainingJob, context: CliContext, flags: TrainFlags, outputClosed: AbortSignal): Promise<'ended' | 'detached'> {
  const detach = new AbortController();
  let interrupts = 0;
  let stopping = false;
  // Nobody reads our output any more: end the job as one interrupt would, without asking.
  const onOutputClosed = () => {
    if (stopping || interrupts > 0) return;
    if (job.backend !== 'local' && !flags.stopOnInterrupt) return detach.abort();
    interrupts++;
    stopping = true;
    job.stop().catch(() => undefined);
  };
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 2 || (interrupts > 1 && !stopping)) {
      context.term.line('interrupted again: exiting now (sagekit cleans up what is left at the next run)');
      markStopRequested(job);
      process.exit(130);
    }
    if (stopping) {
      // A second stop of a local job kills its containers at once; artifacts are still saved.
      context.term.line(context.term.style('yellow', `killing ${job.name} now…`));
      void job.stop();
      return;
    }
    void (async () => {
      const stop = job.backend === 'local' || flags.stopOnInterrupt || (await confirmStop(context, job.name));
      if (stop) {
        stopping = true;
        context.term.line(context.term.style('yellow', `stopping ${job.name} (Ctrl-C again to ${job.backend === 'local' ? 'kill it at once' : 'exit'})…`));
        await job.stop();
      } else {
        context.term.line(`${job.name} keeps running on SageMaker; follow it with: sagekit logs ${job.name} --follow`);
        detach.abort();
      }
    })().catch((error: unknown) => context.term.line(`could not stop ${job.name}: ${(error as Error).message}`));
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  if (outputClosed.aborted) onOutputClosed();
  else outputClosed.addEventListener('abort', onOutputClosed, { once: true });
  try {
    await job.wait({ throwOnFailure: false, signal: detach.signal });
    return 'ended';
  } catch (error) {
    if (detach.signal.aborted) return 'detached';
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    outputClosed.removeEventListener('abort', onOutputClosed);
  }
}

async function train(flags: TrainFlags, context: CliContext): Promise<number> {
  const { term } = context;
  const [options, { Estimator }] = await Promise.all([loadJob(flags), import('../../estimator/estimator.js')]);
  // The global --state-dir holds this job's record too, as it does for describe/logs/list.
  const stateDir = context.flags().stateDir;
  if (stateDir) options.local = { ...(options.local as LocalRunSettings | undefined), stateDir: path.resolve(stateDir) };
  const estimator = new Estimator(options);

  if (flags.dryRun) {
    const { request, warnings } = estimator.buildRequest();
    for (const warning of warnings) term.line(`${term.style('yellow', 'warning:')} ${warning}`);
    context.printJson(request);
    return 0;
  }

  if (!flags.wait && estimator.isLocal) {
    const describe = await startDetachedLocalJob(estimator, context);
    if (context.flags().json) context.printJson(describe);
    else context.stdout.write(`${describe.TrainingJobName}\n`);
    return 0;
  }

  const outputClosed = deferExitOnClosedOutput();
  const events = new JobEvents();
  const hostCount = options.instanceGroups?.reduce((sum, g) => sum + g.instanceCount, 0) ?? options.instanceCount ?? 1;
  const unsubscribe = reportJobEvents(events, term, { hostCount });
  try {
    const backend = isLocalJob(options) ? 'this machine' : `SageMaker (${jobInstanceTypes(options).join(', ')})`;
    term.line(term.style('dim', `starting training job on ${backend}…`));
    // The name first, so the header comes before the job's first status.
    const { resolveJobName } = await import('../../estimator/request.js');
    const jobName = resolveJobName(estimator.options);
    term.line(term.style('bold', `training job ${jobName}`));
    const job = await estimator.fit(undefined, { wait: false, events, jobName });
    if (!flags.wait) {
      const describe = await job.describe();
      if (context.flags().json) context.printJson(describe);
      else context.stdout.write(`${job.name}\n`);
      return 0;
    }
    const outcome = await waitWithInterrupts(job, context, flags, outputClosed);
    const describe = await job.describe();
    unsubscribe();
    for (const line of summaryLines(describe, term, job.backend)) term.line(line);
    if (context.flags().json) context.printJson(describe);
    if (outcome === 'detached') return 130;
    return describe.TrainingJobStatus === 'Completed' ? 0 : 1;
  } finally {
    unsubscribe();
  }
}

/** Registers `sagekit train`. */
export function registerTrain(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('train [file]')
    .description('validate a job file, then run it locally (instanceType: local) or on SageMaker (ml.*)')
    .option('-c, --config <file>', 'job file (YAML or JSON); or give it as the first argument')
    .option(
      '--dry-run',
      'print the CreateTrainingJob request as JSON and contact nothing (cloud jobs: local inputs stay file:// URIs and a role name is not yet expanded to its ARN)',
    )
    .option('--no-wait', 'return as soon as the job started (prints its name)')
    .option('--job-name <name>', 'fixed job name (default: <base>-<timestamp>)')
    .option('--instance-type <type>', 'override instanceType: local, local_gpu or ml.*')
    .option('--region <region>', 'AWS region')
    .option('--default-bucket <bucket>', 'bucket for the default output path (no account lookup needed)')
    .option('--set <key=value>', 'override a job-file key (dotted paths, repeatable)', collect, [])
    .option('--stop-on-interrupt', 'Ctrl-C stops a cloud job without asking')
    .option('--pull <policy>', 'local: pull the image when missing (default), always or never')
    .option('--build <dir>', 'local: build the image from this directory first')
    .option('--stop-grace-period <seconds>', 'local: seconds between SIGTERM and SIGKILL on stop/timeout (default 120)')
    .option('--pass-aws-credentials', 'local: give the containers your AWS credentials (off by default)')
    .addHelpText(
      'after',
      `
Examples:
  $ sagekit train job.yaml
  $ sagekit train --config job.yaml --dry-run --default-bucket my-bucket
  $ sagekit train --config job.yaml --set hyperparameters.epochs=20 --instance-type ml.g5.xlarge --no-wait`,
    )
    .action(wrap((file: string | undefined, flags: TrainFlags) => train(withJobFile(file, flags), context)));
}

/** The job file from the argument or --config (the same file when both are given). */
function withJobFile(file: string | undefined, flags: TrainFlags): TrainFlags {
  if (file && flags.config && path.resolve(file) !== path.resolve(flags.config)) {
    throw new UsageError(`two job files given: ${file} and --config ${flags.config}`, 'give one: sagekit train job.yaml');
  }
  return { ...flags, config: flags.config ?? file };
}

/**
 * `sagekit deploy JOB` (and `--config job.yaml` without --dry-run): deploy a recorded job's
 * model and report the endpoint. Prints the endpoint name on stdout (its describe document
 * with --json); stages and status go to stderr.
 */
import path from 'node:path';
import { loadJobFile } from '../../config/job-file.js';
import type { DeployCall } from '../../deploy/call.js';
import type { Predictor } from '../../deploy/predictor.js';
import { UsageError } from '../../errors.js';
import { Estimator } from '../../estimator/estimator.js';
import { validateOptions } from '../../estimator/validate.js';
import { JobEvents } from '../../events.js';
import type { CliContext } from '../context.js';
import { reportJobEvents } from '../job-reporter.js';
import { attachJob } from './attach.js';
import { deployOptionsFromFlags, type DeployFlags } from './deploy-flags.js';

/** Deploys with the estimator of a job file (its deploy: section and local settings apply). */
async function deployFromConfig(file: string, job: string | undefined, flags: DeployFlags, context: CliContext, call: DeployCall): Promise<Predictor> {
  const loaded = await loadJobFile(file);
  const source = path.relative(process.cwd(), loaded.file) || loaded.file;
  const options = validateOptions({ ...loaded.options, ...(flags.region && { region: flags.region }) }, source);
  const name = job ?? options.jobName;
  if (!name) throw new UsageError(`${source} has no jobName: say which job to deploy (sagekit deploy JOB --config ${file})`);
  const estimator = new Estimator(options);
  estimator.latestTrainingJob = await attachJob(name, flags, context);
  const deploy = deployOptionsFromFlags(flags, options.deploy);
  if (!deploy.instanceType && estimator.latestTrainingJob.backend === 'local') deploy.instanceType = 'local';
  return estimator.deploy({ ...call, ...deploy });
}

/** The `deploy` action without --dry-run. */
export async function deployJob(job: string | undefined, flags: DeployFlags, context: CliContext): Promise<number> {
  const { term } = context;
  const events = new JobEvents();
  const unsubscribe = reportJobEvents(events, term, { hostCount: 1 });
  const stateDir = context.flags().stateDir;
  // Ctrl-C: a local endpoint still starting is removed; a SageMaker one keeps being created.
  const interrupt = new AbortController();
  const onInterrupt = () => {
    term.line(term.style('yellow', 'interrupted: abandoning the deploy…'));
    interrupt.abort();
  };
  process.once('SIGINT', onInterrupt);
  const call: DeployCall = { events, signal: interrupt.signal, ...(stateDir && { local: { stateDir } }), ...(flags.region && { region: flags.region }) };
  try {
    let predictor: Predictor;
    if (flags.config) {
      predictor = await deployFromConfig(flags.config, job, flags, context, call);
    } else {
      if (!job) throw new UsageError('say which training job to deploy: sagekit deploy JOB --instance-type local', 'list jobs with: sagekit list');
      const handle = await attachJob(job, flags, context);
      const deploy = deployOptionsFromFlags(flags);
      if (!deploy.instanceType && handle.backend === 'local') deploy.instanceType = 'local';
      term.line(
        term.style(
          'dim',
          `deploying the model of ${handle.name} (${deploy.instanceType === 'local' ? 'on this machine' : `on SageMaker, ${deploy.instanceType ?? '?'}`})…`,
        ),
      );
      predictor = await handle.deploy({ ...call, ...deploy });
    }
    const describe = await predictor.describe();
    if (interrupt.signal.aborted) {
      term.line(`endpoint ${predictor.endpointName} keeps being created on SageMaker; remove it with: sagekit endpoints delete ${predictor.endpointName}`);
      return 130;
    }
    const url = (describe as { Local?: { Url?: string } }).Local?.Url;
    term.line(term.style('bold', `endpoint ${predictor.endpointName} ${describe.EndpointStatus ?? ''}${url ? ` at ${url}` : ''}`));
    term.line(term.style('dim', `predict with: sagekit invoke ${predictor.endpointName} --content-type text/csv --body '1.5'`));
    if (context.flags().json) context.printJson(describe);
    else context.stdout.write(`${predictor.endpointName}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onInterrupt);
    unsubscribe();
  }
}

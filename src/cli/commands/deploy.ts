/**
 * `sagekit deploy`: put a trained model behind an endpoint — on this machine (`--instance-type
 * local`) or on SageMaker — or, with `--config job.yaml --dry-run`, print the CreateModel,
 * CreateEndpointConfig and CreateEndpoint requests of the job file's `deploy:` section.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import type { ActionWrapper } from '../action.js';
import { deployOptionsFromFlags, type DeployFlags } from './deploy-flags.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--config job.yaml --dry-run`: the three requests of the file's job and `deploy:` section. */
async function dryRun(flags: DeployFlags, context: CliContext): Promise<number> {
  if (!flags.config) throw new UsageError('--dry-run needs --config <job file> (the job and its deploy: section)');
  // Loaded here, not when the CLI starts (`sagekit --help` needs none of it).
  const [{ loadJobFile }, { validateOptions }, { validateDeployOptions }, { deployRequests }, { modelSourceFromOptions }] = await Promise.all([
    import('../../config/job-file.js'),
    import('../../estimator/validate.js'),
    import('../../deploy/options.js'),
    import('../../deploy/requests.js'),
    import('../../deploy/source.js'),
  ]);
  const loaded = await loadJobFile(flags.config);
  const source = path.relative(process.cwd(), loaded.file) || loaded.file;
  const options = validateOptions({ ...loaded.options, ...(flags.region && { region: flags.region }) }, source);
  const deploy = validateDeployOptions(deployOptionsFromFlags(flags, options.deploy), source);
  const model = modelSourceFromOptions(options, { cwd: path.dirname(loaded.file) });
  context.printJson(deployRequests(model, deploy));
  return 0;
}

/** Registers `sagekit deploy`. */
export function registerDeploy(program: Command, context: CliContext, wrap: ActionWrapper): void {
  program
    .command('deploy [job]')
    .description("deploy a trained job's model to an endpoint: on this machine (--instance-type local) or on SageMaker (ml.*)")
    .option('-c, --config <file>', 'job file: deploy its job, with its deploy: section as defaults')
    .option('--dry-run', 'print {CreateModel, CreateEndpointConfig, CreateEndpoint} as JSON and contact nothing (needs --config)')
    .option('--instance-type <type>', 'local (this machine) or an ml.* type (default: local for a local job)')
    .option('--initial-instance-count <n>', 'instances (local: containers, served round robin); default 1')
    .option('--endpoint-name <name>', 'endpoint name (default: <base>-<timestamp>)')
    .option('--model-name <name>', 'model name (default: the generated endpoint name)')
    .option('--image-uri <image>', 'inference image (default: the training image)')
    .option('--env <NAME=VALUE>', 'environment variable of the inference container (repeatable)', collect, [])
    .option('--container-startup-health-check-timeout <seconds>', 'seconds for GET /ping to answer 200 (local default 300)')
    .option('--model-data-download-timeout <seconds>', 'seconds to download the model (SageMaker: 60-3600)')
    .option('--invocation-timeout <seconds>', 'local: seconds the model has to answer an invocation (default 60, as on SageMaker)')
    .option('--max-payload <MB>', 'local: largest request body in MB (default 6, as on SageMaker)')
    .option('--no-wait', 'SageMaker: return once the endpoint is being created')
    .option('--backend <backend>', 'where the training job is: local or aws (default: local record first, then SageMaker)')
    .option('--region <region>', 'AWS region')
    .addHelpText(
      'after',
      `
Examples:
  $ sagekit deploy my-algo-2026-01-02-03-04-05-006 --instance-type local
  $ sagekit deploy my-job --instance-type ml.m5.large --initial-instance-count 2 --endpoint-name my-endpoint
  $ sagekit deploy --config job.yaml --dry-run        # print the three requests of its deploy: section`,
    )
    .action(
      wrap(async (job: string | undefined, flags: DeployFlags) => {
        if (flags.dryRun) return dryRun(flags, context);
        const { deployJob } = await import('./deploy-run.js');
        return deployJob(job, flags, context);
      }),
    );
}

/** Finds a job by name for describe/logs/stop: the local record first, then SageMaker. */
import type { Command } from 'commander';
import type { TrainingJob } from '../../job.js';
import type { CliContext } from '../context.js';
import { oneOf } from '../flag-checks.js';

/** Flags every job-addressing command takes. */
export interface JobFlags {
  backend?: 'local' | 'aws';
  region?: string;
}

/** Adds `--backend` and `--region` to a command. */
export function withJobFlags(command: Command): Command {
  return command
    .option('--backend <backend>', 'where the job is: local or aws (default: local record first, then SageMaker)')
    .option('--region <region>', 'AWS region of a SageMaker job');
}

/** The handle of job `name`. */
export async function attachJob(name: string, flags: JobFlags, context: CliContext): Promise<TrainingJob> {
  if (flags.backend) flags.backend = oneOf('--backend', flags.backend, ['local', 'aws'] as const);
  const stateDir = context.flags().stateDir;
  let session;
  if (flags.region && flags.backend !== 'local') {
    const { Session } = await import('../../aws/session.js');
    session = new Session({ region: flags.region });
  }
  // Loaded here, not at start-up; and not the estimator, which would bring the validator along.
  const { attachJob: attach } = await import('../../estimator/attach.js');
  return attach(name, {
    ...(flags.backend && { backend: flags.backend }),
    ...(stateDir && { stateDir }),
    ...(session && { session }),
  });
}

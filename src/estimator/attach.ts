/**
 * Finding an existing job by name: the local record first, then SageMaker. Its own module,
 * apart from the estimator, so `sagekit describe/logs/stop` load neither the validator nor
 * the AWS SDK for a local job.
 */
import type { Session } from '../aws/session.js';
import { EnvironmentError, NotFoundError } from '../errors.js';
import type { TrainingJob } from '../job.js';

/** Options of {@link attachJob} (and `Estimator.attach`). */
export interface AttachOptions {
  session?: Session;
  stateDir?: string;
  backend?: 'local' | 'aws';
}

/** The handle of job `jobName`: its local record, else the SageMaker job of that name. */
export async function attachJob(jobName: string, options: AttachOptions = {}): Promise<TrainingJob> {
  if (options.backend !== 'aws') {
    const { openLocalJob } = await import('../local/index.js');
    try {
      return await openLocalJob(jobName, options.stateDir ? { stateDir: options.stateDir } : {});
    } catch (error) {
      if (!(error instanceof NotFoundError) || options.backend === 'local') throw error;
    }
  }
  const [{ Session }, { attachAwsJob }] = await Promise.all([import('../aws/session.js'), import('../aws/index.js')]);
  try {
    return await attachAwsJob(jobName, options.session ?? new Session());
  } catch (error) {
    // Not local, and SageMaker cannot even be asked: say both, as one "not found".
    if (options.backend !== 'aws' && error instanceof EnvironmentError) {
      throw new NotFoundError(
        `no local training job named ${jobName}, and SageMaker could not be checked: ${error.message}`,
        'list jobs with: sagekit list; for a SageMaker job configure AWS (region, credentials) or pass --region',
      );
    }
    throw error;
  }
}

/**
 * The environment of a local training container, as SageMaker sets it: the job's `Environment`,
 * `TRAINING_JOB_NAME`, `TRAINING_JOB_ARN` and the region. The host's AWS credentials are passed
 * only when the user opts in (`passAwsCredentials`): on SageMaker a container gets the job
 * role's credentials, never the caller's.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { EnvironmentError } from '../errors.js';
import { localJobArn } from './status.js';

/** `KEY=value` entries for the container. */
export async function containerEnvironment(
  request: CreateTrainingJobRequest,
  region: string | undefined,
  passAwsCredentials: boolean,
  accountId?: string,
): Promise<string[]> {
  const env: Record<string, string> = { ...request.Environment };
  env.TRAINING_JOB_NAME = request.TrainingJobName!;
  env.TRAINING_JOB_ARN = localJobArn(request.TrainingJobName!, region, accountId);
  if (region) {
    env.AWS_REGION = region;
    env.AWS_DEFAULT_REGION = region;
  }
  if (passAwsCredentials) {
    try {
      // Loaded only for jobs that opt in: most local jobs never touch AWS credentials.
      const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
      const credentials = await fromNodeProviderChain()();
      env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    } catch (error) {
      throw new EnvironmentError(
        'passAwsCredentials is set but no AWS credentials were found',
        'configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) or drop passAwsCredentials',
        error,
      );
    }
  }
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

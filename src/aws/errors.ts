/**
 * CreateTrainingJob's common failures turned into errors that say what to fix. The API's own
 * message is kept; the hint adds the action.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { EnvironmentError, SagekitError, UsageError } from '../errors.js';

const CREDENTIAL_ERRORS = [
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
];

/** True when the error means "no usable AWS credentials". */
export function isCredentialError(error: unknown): boolean {
  return CREDENTIAL_ERRORS.includes((error as Error).name);
}

/** The credentials error users get everywhere (exit 3). */
export function credentialsError(error: unknown): EnvironmentError {
  return new EnvironmentError(
    `AWS credentials are missing or expired: ${(error as Error).message}`,
    'configure credentials (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)',
    error,
  );
}

/** Maps a CreateTrainingJob failure to a SagekitError naming what to fix. */
export function createTrainingJobError(error: unknown, request: CreateTrainingJobRequest): Error {
  const e = error as Error;
  const message = e.message ?? String(error);
  const name = request.TrainingJobName;
  if (isCredentialError(error)) return credentialsError(error);
  switch (e.name) {
    case 'ResourceLimitExceeded':
      return new EnvironmentError(
        `SageMaker refused ${name}: ${message}`,
        `request a higher quota for "${request.ResourceConfig?.InstanceType} for training job usage" (Service Quotas console, SageMaker), or use another instance type or fewer instances`,
        error,
      );
    case 'ResourceInUse':
      return new UsageError(
        `a SageMaker training job named ${name} already exists (${message})`,
        'job names are unique per account and region: pass another --job-name, or omit it to get a generated one',
      );
    case 'AccessDeniedException':
      return new EnvironmentError(
        `access denied creating ${name}: ${message}`,
        `your identity needs sagemaker:CreateTrainingJob and iam:PassRole on ${request.RoleArn}`,
        error,
      );
    case 'ValidationException':
      if (/iam:PassRole|not authorized to perform|assume role|Could not access|AccessDenied/i.test(message)) {
        return new EnvironmentError(
          `SageMaker cannot use role ${request.RoleArn}: ${message}`,
          'check that the role exists, trusts sagemaker.amazonaws.com, can read the inputs and write the output path, and that you may iam:PassRole it',
          error,
        );
      }
      return new SagekitError(`SageMaker rejected the job: ${message}`, {
        exitCode: 2,
        hint: 'fix the job file; sagekit train --dry-run shows the request',
        cause: error,
      });
    default:
      return error instanceof Error ? error : new Error(message);
  }
}

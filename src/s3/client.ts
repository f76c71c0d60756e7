/**
 * S3 client construction. The AWS SDK already honours the standard configuration
 * (AWS_REGION, profiles, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 …); sagekit only adds
 * path-style addressing when a custom endpoint is configured, which MinIO, LocalStack and
 * s3rver need for bucket names that are not DNS names.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { quietAwsSdkWarnings } from '../util/quiet-warnings.js';

/** True when the environment points S3 at a non-AWS endpoint. */
export function hasCustomS3Endpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** Creates an S3 client from the standard AWS configuration plus `overrides`. */
export function createS3Client(overrides: S3ClientConfig = {}): S3Client {
  quietAwsSdkWarnings();
  const config: S3ClientConfig = { ...overrides };
  if (config.forcePathStyle === undefined && (hasCustomS3Endpoint() || config.endpoint)) {
    config.forcePathStyle = true;
  }
  // A region is required to sign requests; custom endpoints rarely care which one.
  if (!config.region && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION && hasCustomS3Endpoint()) {
    config.region = 'us-east-1';
  }
  return new S3Client(config);
}

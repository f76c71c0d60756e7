/**
 * S3 client construction. The AWS SDK already honours the standard configuration
 * (AWS_REGION, profiles, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 …); sagekit only adds
 * path-style addressing when a custom endpoint is configured, which MinIO, LocalStack and
 * sagekit's own store need for bucket names that are not DNS names.
 */
import { createRequire } from 'node:module';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { quietAwsSdkWarnings } from '../util/quiet-warnings.js';

// Loaded on first use: a local job with file:// data and `--help` never pay for the S3 client.
// A synchronous require keeps createS3Client synchronous; `import` of this CommonJS package
// resolves to the same module instance, so the SDK is never loaded twice.
const require = createRequire(import.meta.url);

/** True when the environment points S3 at a non-AWS endpoint. */
function hasCustomS3Endpoint(env: NodeJS.ProcessEnv = process.env): boolean {
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
  const { S3Client: Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return new Client(config);
}

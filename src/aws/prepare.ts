/**
 * What a SageMaker job needs from the AWS account before its request can be built: the region,
 * the role's ARN (a bare role name is expanded) and — only when the job writes or uploads to it —
 * the default bucket, created when missing.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { Session } from './session.js';

/** Stand-in bucket of the probe request (never created: it only shows whether a bucket is needed). */
const PROBE_BUCKET = 'sagekit-validation-only';

/** The account-side settings of one job. */
export interface AwsJobTarget {
  session: Session;
  region: string;
  /** The role's ARN. */
  role: string;
  /** The default bucket, when the job needs one (no `outputPath`, or local inputs to upload). */
  defaultBucket?: string;
  /** The job's name, as the probe request fixed it. */
  jobName: string;
}

/** What {@link prepareAwsJob} needs from the options. */
export interface AwsJobOptions {
  role: string;
  region?: string;
  defaultBucket?: string;
  outputPath?: string;
  /** A session to use instead of one for `region` / `defaultBucket`. */
  session?: Session;
}

/** True when a channel of `request` reads a local path (`file://`), which is uploaded first. */
export function hasLocalInputs(request: CreateTrainingJobRequest): boolean {
  return (request.InputDataConfig ?? []).some((c) => c.DataSource?.S3DataSource?.S3Uri?.startsWith('file://'));
}

/**
 * Resolves region, role and default bucket. `probe` builds the request without AWS (validation
 * included), so a bad job is reported before any bucket is created.
 */
export async function prepareAwsJob(
  options: AwsJobOptions,
  probe: (target: { region: string; defaultBucket: string }) => CreateTrainingJobRequest,
): Promise<AwsJobTarget> {
  const session =
    options.session ??
    new Session({
      ...(options.region && { region: options.region }),
      ...(options.defaultBucket && { defaultBucket: options.defaultBucket }),
    });
  const region = await session.getRegion();
  const request = probe({ region, defaultBucket: options.defaultBucket ?? PROBE_BUCKET });
  const needsBucket = options.outputPath === undefined || hasLocalInputs(request);
  const defaultBucket = needsBucket ? await session.ensureDefaultBucket() : undefined;
  const role = await session.expandRole(options.role);
  return { session, region, role, jobName: request.TrainingJobName!, ...(defaultBucket && { defaultBucket }) };
}

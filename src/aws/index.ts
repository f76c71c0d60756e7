/**
 * The aws backend: runs the CreateTrainingJob request on Amazon SageMaker, uploading local
 * inputs first, and gives back a non-blocking {@link AwsTrainingJob} handle.
 */
import { CreateTrainingJobCommand, ListTrainingJobsCommand, type TrainingJobStatus } from '@aws-sdk/client-sagemaker';
import type { S3Client } from '@aws-sdk/client-s3';
import { extractTar } from '../archive/extract.js';
import type { StartContext } from '../backend.js';
import type { Progress } from '../events.js';
import { jobSummary, type JobSummary, type TrainingJob } from '../job.js';
import { openObjectStream, progressCounter } from '../s3/transfer.js';
import { isS3Uri, parseS3Uri } from '../s3/uri.js';
import { UsageError } from '../errors.js';
import { createTrainingJobError } from './errors.js';
import { AwsTrainingJob, type AwsJobTiming } from './job.js';
import { withRetry } from './retry.js';
import { hasLocalInputs } from './prepare.js';
import { Session } from './session.js';
import { uploadSourceCode } from './upload-code.js';
import { uploadLocalInputs } from './upload-inputs.js';

export { spotSavings, type AwsJobTiming } from './job.js';
export { Session } from './session.js';

/** Uploads local inputs, creates the job, and returns its handle at once. */
export async function startAwsJob(context: StartContext & { timing?: AwsJobTiming }): Promise<TrainingJob> {
  const { events } = context;
  const session = context.session ?? new Session(context.region ? { region: context.region } : {});
  let request = context.request;
  if (hasLocalInputs(request)) {
    const bucket = await session.ensureDefaultBucket();
    request = (await uploadLocalInputs(request, { s3: session.s3(), bucket, events })).request;
  }
  if (context.code?.uploadUri) await uploadSourceCode(context.code, { s3: session.s3(), events });
  try {
    await withRetry(() => session.sagemaker().send(new CreateTrainingJobCommand(request)), {
      ...(context.timing?.retryBaseMs !== undefined && { baseDelayMs: context.timing.retryBaseMs }),
    });
  } catch (error) {
    throw createTrainingJobError(error, request);
  }
  events.emit('info', `created SageMaker training job ${request.TrainingJobName} in ${await session.getRegion()}`);
  return new AwsTrainingJob(request.TrainingJobName!, session, events, context.timing);
}

/** The handle of an existing SageMaker job (NotFoundError when there is none). */
export async function attachAwsJob(name: string, session: Session, timing?: AwsJobTiming): Promise<TrainingJob> {
  // A missing region is the machine's set-up (EnvironmentError), not the SDK's bare "Region is missing".
  await session.getRegion();
  const job = new AwsTrainingJob(name, session, undefined, timing);
  await job.describe();
  return job;
}

/** Recent SageMaker jobs, newest first. */
export async function listAwsJobs(
  session: Session,
  options: { statusEquals?: string; nameContains?: string; maxResults?: number } = {},
): Promise<JobSummary[]> {
  await session.getRegion();
  const result = await withRetry(() =>
    session.sagemaker().send(
      new ListTrainingJobsCommand({
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: Math.min(100, Math.max(1, options.maxResults ?? 20)),
        ...(options.statusEquals && { StatusEquals: options.statusEquals as TrainingJobStatus }),
        ...(options.nameContains && { NameContains: options.nameContains }),
      }),
    ),
  );
  return (result.TrainingJobSummaries ?? []).map((summary) => jobSummary('aws', summary));
}

/**
 * Downloads a `model.tar.gz` (or any tar.gz) from S3 and unpacks it into `destination`,
 * refusing entries that would escape it.
 */
export async function downloadArtifacts(
  uri: string,
  destination: string,
  options: { s3: S3Client; onProgress?: (p: Progress) => void; signal?: AbortSignal },
): Promise<void> {
  if (!isS3Uri(uri)) throw new UsageError(`not an S3 URI: ${uri}`);
  const { body, size } = await openObjectStream(options.s3, parseS3Uri(uri), options.signal);
  await extractTar(body.pipe(progressCounter('download', uri, size, options.onProgress)), destination, options.signal);
}

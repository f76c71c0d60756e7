/**
 * The status part of a local job's describe document, kept the way SageMaker reports it:
 * TrainingJobStatus, SecondaryStatus and the SecondaryStatusTransitions list with start/end
 * times and messages.
 */
import type { CreateTrainingJobRequest, DescribeTrainingJobResponse, SecondaryStatus, TrainingJobStatus } from '@aws-sdk/client-sagemaker';

/** Account id used in local ARNs (there is no AWS account behind a local job). */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The ARN a local job reports, shaped like SageMaker's. */
export function localJobArn(name: string, region: string | undefined, accountId: string = LOCAL_ACCOUNT_ID): string {
  return `arn:aws:sagemaker:${region ?? 'local'}:${accountId}:training-job/${name.toLowerCase()}`;
}

/** The initial describe document of a job: the request's fields plus InProgress/Starting. */
export function initialDescribe(request: CreateTrainingJobRequest, region: string | undefined, now: Date, accountId?: string): DescribeTrainingJobResponse {
  const { Tags: _tags, ...fields } = request;
  return {
    ...fields,
    TrainingJobName: request.TrainingJobName,
    TrainingJobArn: localJobArn(request.TrainingJobName!, region, accountId),
    TrainingJobStatus: 'InProgress',
    SecondaryStatus: 'Starting',
    CreationTime: now,
    LastModifiedTime: now,
    SecondaryStatusTransitions: [{ Status: 'Starting', StartTime: now, StatusMessage: 'Preparing the instances for training' }],
    ModelArtifacts: undefined,
  } as DescribeTrainingJobResponse;
}

/** Records a secondary-status transition (closing the previous one) and returns the new document. */
export function transition(
  doc: DescribeTrainingJobResponse,
  secondary: SecondaryStatus,
  message: string,
  now: Date,
  status: TrainingJobStatus = doc.TrainingJobStatus ?? 'InProgress',
): DescribeTrainingJobResponse {
  const transitions = [...(doc.SecondaryStatusTransitions ?? [])];
  const last = transitions[transitions.length - 1];
  if (last && !last.EndTime) transitions[transitions.length - 1] = { ...last, EndTime: now };
  const terminal = status !== 'InProgress' && status !== 'Stopping';
  transitions.push({ Status: secondary, StartTime: now, ...(terminal && { EndTime: now }), StatusMessage: message });
  return { ...doc, TrainingJobStatus: status, SecondaryStatus: secondary, SecondaryStatusTransitions: transitions, LastModifiedTime: now };
}

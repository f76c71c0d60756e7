/**
 * ListTrainingJobs over job records: SageMaker's filters (NameContains, StatusEquals, creation
 * and last-modified time windows), sorting (SortBy, SortOrder) and paging (MaxResults,
 * NextToken), with its defaults (CreationTime, Ascending, 10 per page).
 */
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { validationException } from './aws-error.js';
import { decodeToken, encodeToken, fromWireTime } from './wire.js';

const STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'];
const SORT_BY = ['Name', 'CreationTime', 'Status'];
const SORT_ORDER = ['Ascending', 'Descending'];

/** One entry of `TrainingJobSummaries` (dates still as Date objects). */
export interface TrainingJobSummary {
  TrainingJobName: string;
  TrainingJobArn: string;
  CreationTime: Date;
  TrainingEndTime?: Date;
  LastModifiedTime?: Date;
  TrainingJobStatus: string;
  SecondaryStatus?: string;
}

function oneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw validationException(
      `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
}

function timeFilter(input: Record<string, unknown>, field: string): number | undefined {
  const ms = fromWireTime(input[field]);
  if (Number.isNaN(ms))
    throw validationException(
      `1 validation error detected: Value '${String(input[field])}' at '${field}' failed to satisfy constraint: Member must be a timestamp`,
    );
  return ms;
}

function summaryOf(doc: DescribeTrainingJobResponse): TrainingJobSummary {
  return {
    TrainingJobName: doc.TrainingJobName!,
    TrainingJobArn: doc.TrainingJobArn!,
    CreationTime: doc.CreationTime!,
    ...(doc.TrainingEndTime && { TrainingEndTime: doc.TrainingEndTime }),
    ...(doc.LastModifiedTime && { LastModifiedTime: doc.LastModifiedTime }),
    TrainingJobStatus: doc.TrainingJobStatus ?? 'InProgress',
    ...(doc.SecondaryStatus && { SecondaryStatus: doc.SecondaryStatus }),
  };
}

function matches(input: Record<string, unknown>): (doc: DescribeTrainingJobResponse) => boolean {
  const name = typeof input.NameContains === 'string' ? input.NameContains.toLowerCase() : undefined;
  const status = input.StatusEquals;
  const created = [timeFilter(input, 'CreationTimeAfter'), timeFilter(input, 'CreationTimeBefore')] as const;
  const modified = [timeFilter(input, 'LastModifiedTimeAfter'), timeFilter(input, 'LastModifiedTimeBefore')] as const;
  const within = (date: Date | undefined, [after, before]: readonly [number | undefined, number | undefined]) => {
    const t = date?.getTime() ?? 0;
    return (after === undefined || t > after) && (before === undefined || t < before);
  };
  return (doc) =>
    (name === undefined || (doc.TrainingJobName ?? '').toLowerCase().includes(name)) &&
    (status === undefined || doc.TrainingJobStatus === status) &&
    within(doc.CreationTime, created) &&
    within(doc.LastModifiedTime, modified);
}

function compare(sortBy: string): (a: TrainingJobSummary, b: TrainingJobSummary) => number {
  if (sortBy === 'Name') return (a, b) => a.TrainingJobName.localeCompare(b.TrainingJobName);
  if (sortBy === 'Status') return (a, b) => a.TrainingJobStatus.localeCompare(b.TrainingJobStatus) || a.CreationTime.getTime() - b.CreationTime.getTime();
  return (a, b) => a.CreationTime.getTime() - b.CreationTime.getTime() || a.TrainingJobName.localeCompare(b.TrainingJobName);
}

/** One page of ListTrainingJobs over `docs`; throws ValidationException for bad parameters. */
export function listTrainingJobs(
  docs: readonly DescribeTrainingJobResponse[],
  input: Record<string, unknown>,
): { TrainingJobSummaries: TrainingJobSummary[]; NextToken?: string } {
  oneOf('statusEquals', input.StatusEquals, STATUSES);
  oneOf('sortBy', input.SortBy, SORT_BY);
  oneOf('sortOrder', input.SortOrder, SORT_ORDER);
  const max = input.MaxResults ?? 10;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 100) {
    throw validationException(
      `1 validation error detected: Value '${String(max)}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken);
  if (offset === undefined) throw validationException('Invalid pagination token');
  const order = compare((input.SortBy as string | undefined) ?? 'CreationTime');
  const descending = input.SortOrder === 'Descending';
  const all = docs
    .filter(matches(input))
    .map(summaryOf)
    .sort((a, b) => (descending ? -order(a, b) : order(a, b)));
  const page = all.slice(offset, offset + max);
  return { TrainingJobSummaries: page, ...(offset + max < all.length && { NextToken: encodeToken(offset + max) }) };
}

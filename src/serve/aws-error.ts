/**
 * Errors the way AWS services send them. Each carries the error code SDKs map to their own
 * exception types (`__type` / `x-amzn-ErrorType` for the JSON protocols, `<Code>` for XML), the
 * HTTP status, and whether the caller (4xx, "Sender") or the service (5xx) is at fault.
 */
import type { ValidationIssue } from '../errors.js';

/** An error answered to the client as AWS would answer it. */
export class AwsServiceError extends Error {
  constructor(
    /** The AWS error code, e.g. `ValidationException`. */
    readonly code: string,
    message: string,
    /** HTTP status (400 for client errors unless the service uses another). */
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** SageMaker's `ValidationException`, also its answer for a job that does not exist. */
export function validationException(message: string): AwsServiceError {
  return new AwsServiceError('ValidationException', message);
}

/** SageMaker's message for an unknown resource (DescribeTrainingJob answers it as ValidationException). */
export const RESOURCE_NOT_FOUND_MESSAGE = 'Requested resource not found.';

/** The message AWS JSON services use for request values that break a constraint. */
export function constraintMessage(issues: readonly ValidationIssue[]): string {
  const count = issues.length;
  const details = issues.map((issue) => {
    const value = 'value' in issue && issue.value !== undefined ? `Value '${preview(issue.value)}' at ` : 'Member at ';
    return `${value}'${issue.path}' failed to satisfy constraint: ${issue.rule}`;
  });
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${details.join('; ')}`;
}

function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** Any thrown value as the error to answer: AwsServiceError as is, the rest as InternalFailure (500). */
export function asServiceError(error: unknown): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  return new AwsServiceError('InternalFailure', (error as Error)?.message ?? String(error), 500);
}

/**
 * How large a request body serve reads, per operation. SageMaker's own front end refuses
 * oversized requests before its services see them; serve does the same so one request cannot
 * make it hold hundreds of megabytes. The largest legal CreateTrainingJob (100 hyperparameters
 * of 2 500 characters, 48 environment variables, 20 channels, tags, …) stays well under 1 MiB.
 * S3 object bodies are not read here: the store streams them to disk.
 */
import type { IncomingMessage } from 'node:http';
import { AwsServiceError } from './aws-error.js';

const MiB = 1024 * 1024;

/** Bytes of body each awsJson operation may send; the rest get {@link DEFAULT_BODY_LIMIT}. */
const BODY_LIMITS: Readonly<Record<string, number>> = {
  'SageMaker.CreateTrainingJob': 2 * MiB,
};

/** Body limit of any other JSON or query request (Describe/List/Stop, CloudWatch Logs, STS). */
export const DEFAULT_BODY_LIMIT = 256 * 1024;

/** The body limit of `target` (`Service.Operation`). */
export function bodyLimitOf(target: string): number {
  return Object.hasOwn(BODY_LIMITS, target) ? BODY_LIMITS[target]! : DEFAULT_BODY_LIMIT;
}

function tooLarge(limit: number): AwsServiceError {
  return new AwsServiceError('RequestEntityTooLarge', `the request body is larger than this operation's limit of ${limit} bytes`, 413);
}

/**
 * The whole body as text, at most `limit` bytes: a Content-Length above it is refused before a
 * byte is read, and a chunked body is cut off as soon as it passes the limit (the connection is
 * then closed after the answer, since the rest of the body is never read).
 */
export async function readBoundedBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

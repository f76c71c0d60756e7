/**
 * One HTTP port, several AWS protocols, told apart as AWS's own edge tells them apart:
 * `X-Amz-Target` selects an awsJson 1.1 service (SageMaker, CloudWatch Logs), an `Action`
 * parameter at `/` the query protocol (STS), and everything else is S3 REST (path-style).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { asServiceError, AwsServiceError } from './aws-error.js';
import { authProblem, credentialOf } from './auth.js';
import { readBody, sendJson, sendJsonError, sendQueryError, sendS3Error, sendXml } from './http-io.js';
import { proxyToStore, type S3Store } from './s3-store.js';
import { answerSts } from './sts.js';

/** An awsJson operation: parsed input → output document. */
type JsonOperation = (input: Record<string, unknown>) => Promise<unknown>;

/** What the handler routes to. */
export interface ServeRoutes {
  /** awsJson services by their target prefix (`SageMaker`, `Logs_20140328`). */
  json: Record<string, Record<string, JsonOperation>>;
  store: S3Store;
  /** Only requests signed with this access key id get in. */
  accessKeyId?: string;
  log(line: string): void;
}

/** The refusal for a request under `--access-key-id`, in each protocol's own words; undefined to let it in. */
function refusal(routes: ServeRoutes, request: IncomingMessage, url: URL, protocol: 'json' | 'query' | 's3'): AwsServiceError | undefined {
  const problem = authProblem(credentialOf(request, url), routes.accessKeyId);
  if (!problem) return undefined;
  if (protocol === 's3') {
    return problem === 'missing'
      ? new AwsServiceError('AccessDenied', 'Access Denied', 403)
      : new AwsServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
  }
  if (problem === 'missing') return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
  return protocol === 'json'
    ? new AwsServiceError('UnrecognizedClientException', 'The security token included in the request is invalid.')
    : new AwsServiceError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
}

async function answerJson(routes: ServeRoutes, request: IncomingMessage, response: ServerResponse, url: URL, target: string): Promise<void> {
  try {
    const denied = refusal(routes, request, url, 'json');
    if (denied) throw denied;
    const [service = '', operation = ''] = target.split('.', 2);
    const handler = routes.json[service]?.[operation];
    const body = await readBody(request);
    if (!handler) throw new AwsServiceError('UnknownOperationException', `sagekit serve does not implement ${target}`);
    let input: unknown;
    try {
      input = body.trim() ? JSON.parse(body) : {};
    } catch {
      throw new AwsServiceError('SerializationException', 'the request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new AwsServiceError('SerializationException', 'the request body must be a JSON object');
    sendJson(response, await handler(input as Record<string, unknown>));
  } catch (error) {
    const answer = asServiceError(error);
    if (answer.status >= 500) routes.log(`${target}: ${answer.message}`);
    sendJsonError(response, answer);
  }
}

async function answerQuery(routes: ServeRoutes, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  try {
    const denied = refusal(routes, request, url, 'query');
    if (denied) throw denied;
    const params = request.method === 'POST' ? new URLSearchParams(await readBody(request)) : url.searchParams;
    sendXml(response, answerSts(params));
  } catch (error) {
    sendQueryError(response, asServiceError(error));
  }
}

function isQueryRequest(request: IncomingMessage, url: URL): boolean {
  if (url.pathname !== '/') return false;
  if (request.method === 'GET') return url.searchParams.has('Action');
  return request.method === 'POST' && (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded');
}

/** The request listener of `sagekit serve`. */
export function createServeHandler(routes: ServeRoutes): RequestListener {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://sagekit-serve.invalid');
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') return void answerJson(routes, request, response, url, target);
    if (isQueryRequest(request, url)) return void answerQuery(routes, request, response, url);
    const denied = refusal(routes, request, url, 's3');
    if (denied) {
      request.resume();
      return sendS3Error(response, denied);
    }
    proxyToStore(routes.store, request, response);
  };
}

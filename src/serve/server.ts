/**
 * One HTTP port, several AWS protocols, told apart as AWS's own edge tells them apart:
 * `X-Amz-Target` selects an awsJson 1.1 service (SageMaker, CloudWatch Logs), an `Action`
 * parameter at `/` the query protocol (STS), and everything else is S3 REST (path-style).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { asServiceError, AwsServiceError } from './aws-error.js';
import { authProblem, credentialOf } from './auth.js';
import { type GuardOptions, hostOriginRefusal, isFormUpload } from '../util/http-guard.js';
import { bodyLimitOf, DEFAULT_BODY_LIMIT, readBoundedBody } from './body-limits.js';
import { boundedMessage, sendJson, sendJsonError, sendQueryError, sendS3Error, sendXml } from './http-io.js';
import type { S3Store } from './s3-store.js';
import { answerSts } from './sts.js';

/** Who a request speaks for: the region its signature names (as AWS reads it) and serve's account. */
export interface RequestScope {
  region: string;
  accountId: string;
}

/** An awsJson operation: parsed input → output document. */
type JsonOperation = (input: Record<string, unknown>, scope: RequestScope) => Promise<unknown>;

/** What the handler routes to. */
export interface ServeRoutes {
  /** awsJson services by their target prefix (`SageMaker`, `Logs_20140328`). */
  json: Record<string, Record<string, JsonOperation>>;
  store: S3Store;
  /** Only requests signed with this access key id get in. */
  accessKeyId?: string;
  /** Region of unsigned requests and of signatures without one. */
  region: string;
  /** serve's account id, in every ARN it answers. */
  accountId: string;
  /** The port serve listens on, for the Host and Origin checks. */
  port(): number;
  /** Names besides loopback that clients may use as Host. */
  guard?: GuardOptions;
  log(line: string): void;
}

/** The region of the request's SigV4 credential scope, else serve's default. */
function scopeOf(routes: ServeRoutes, request: IncomingMessage, url: URL): RequestScope {
  const region = credentialOf(request, url)?.region;
  return { region: region && /^[a-z0-9-]{1,32}$/.test(region) ? region : routes.region, accountId: routes.accountId };
}

/** The operation `target` names, looked up as an own property only (`SageMaker.constructor` is no operation). */
function operationOf(routes: ServeRoutes, target: string): JsonOperation | undefined {
  const [service = '', operation = ''] = target.split('.', 2);
  if (!Object.hasOwn(routes.json, service)) return undefined;
  const operations = routes.json[service]!;
  return Object.hasOwn(operations, operation) ? operations[operation] : undefined;
}

/** An answer that leaves part of the body unread closes the connection, so the rest is never parsed as a request. */
function closeAfterTooLarge(response: ServerResponse, error: AwsServiceError): void {
  if (error.status === 413) response.setHeader('connection', 'close');
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
    const handler = operationOf(routes, target);
    if (!handler) throw new AwsServiceError('UnknownOperationException', `sagekit serve does not implement ${target}`);
    const body = await readBoundedBody(request, bodyLimitOf(target));
    let input: unknown;
    try {
      input = body.trim() ? JSON.parse(body) : {};
    } catch {
      throw new AwsServiceError('SerializationException', 'the request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw new AwsServiceError('SerializationException', 'the request body must be a JSON object');
    sendJson(response, await handler(input as Record<string, unknown>, scopeOf(routes, request, url)));
  } catch (error) {
    const answer = asServiceError(error);
    if (answer.status >= 500) routes.log(`${boundedMessage(target)}: ${boundedMessage(answer.message)}`);
    closeAfterTooLarge(response, answer);
    sendJsonError(response, answer);
  }
}

async function answerQuery(routes: ServeRoutes, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
  try {
    const denied = refusal(routes, request, url, 'query');
    if (denied) throw denied;
    const params = request.method === 'POST' ? new URLSearchParams(await readBoundedBody(request, DEFAULT_BODY_LIMIT)) : url.searchParams;
    sendXml(response, answerSts(params, routes.accountId));
  } catch (error) {
    const answer = asServiceError(error);
    closeAfterTooLarge(response, answer);
    sendQueryError(response, answer);
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
    // Before anything else: web pages (foreign Origin, DNS rebinding) get no answer from any protocol.
    const refused = hostOriginRefusal(request.headers, routes.port(), routes.guard);
    if (refused) {
      request.resume();
      const error = new AwsServiceError('AccessDenied', `sagekit serve refused the request: ${refused}`, 403);
      return request.headers['x-amz-target'] ? sendJsonError(response, error) : sendS3Error(response, error);
    }
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') return void answerJson(routes, request, response, url, target);
    if (isQueryRequest(request, url)) return void answerQuery(routes, request, response, url);
    // S3's browser-based upload (POST Object with a signed policy) is not supported, and a form
    // post needs no preflight: refuse it before the store sees a byte.
    if (isFormUpload(request.method, request.headers['content-type'])) {
      request.resume();
      response.setHeader('connection', 'close');
      return sendS3Error(
        response,
        new AwsServiceError('NotImplemented', 'browser form uploads (POST Object, multipart/form-data) are not supported: use PUT Object', 501),
      );
    }
    const denied = refusal(routes, request, url, 's3');
    if (denied) {
      request.resume();
      return sendS3Error(response, denied);
    }
    routes.store.handle(request, response);
  };
}

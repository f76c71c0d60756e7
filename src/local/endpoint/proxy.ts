/**
 * The front of a local endpoint: one HTTP server on a free 127.0.0.1 port that forwards
 * `POST /invocations` and `GET /ping` to the healthy instances in turn (round robin, like
 * SageMaker's load balancing) with only the headers InvokeEndpoint passes on. Every request is
 * untrusted: its Host and Origin must be this address's (no web page, no DNS rebinding), its
 * body is bounded (413 over the limit), the model's answer is bounded in time (ModelError after
 * the invocation timeout). A request an instance refused before answering goes to another one.
 * Closing drains: no new connection is taken, requests in flight get their answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostOriginRefusal } from '../../util/http-guard.js';
import { exchange, pick, type Outgoing } from './forward.js';
import type { Upstreams } from './instance-pool.js';
import { answerError, invocationTimedOut, payloadTooLarge } from './proxy-answers.js';
import type { InvocationLimits } from './record.js';

/** Request headers InvokeEndpoint hands to the container. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'x-amzn-sagemaker-custom-attributes', 'x-amzn-sagemaker-target-model'];

/** A running front proxy. */
export interface EndpointProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Stops taking connections, lets requests in flight finish (up to the invocation timeout), then closes. */
  close(): Promise<void>;
}

/**
 * Bytes of a body over the limit that are still read (and dropped) before the 413 goes out:
 * closing a connection the client is still writing to resets it, and the client would never
 * see the answer.
 */
const DISCARD_MAX = 64 * 1024 * 1024;

/** The request body, or undefined when it is over `limit` bytes (then the 413 may go out). */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (declared > limit + DISCARD_MAX) return resolve(undefined);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit + DISCARD_MAX) resolve(undefined);
    });
    request.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    request.on('error', reject);
  });
}

/** Forwards to the healthy instances in turn until one answers, none is left, or the model times out. */
async function forwardWithRetry(upstreams: Upstreams, outgoing: Outgoing, response: http.ServerResponse, limits: InvocationLimits): Promise<void> {
  const tried = new Set<string>();
  let lastError: Error | undefined;
  for (;;) {
    const target = upstreams.next(tried);
    if (!target) {
      if (lastError) answerError(response, 502, 'ModelError', `the model container did not answer: ${lastError.message}`);
      else answerError(response, 503, 'ServiceUnavailable', 'no instance of this endpoint is healthy right now; see: sagekit endpoints describe');
      return;
    }
    const outcome = await exchange(target.address, outgoing, response, limits.timeoutSeconds * 1000);
    if (outcome.kind === 'timed-out') return invocationTimedOut(response, target.name, limits.timeoutSeconds);
    if (outcome.kind !== 'unreachable') return;
    upstreams.unreachable(target.address);
    tried.add(target.address);
    lastError = outcome.error;
  }
}

/** The requests being answered, and a bounded wait until none is. */
function inFlightRequests(): { add(response: http.ServerResponse): void; settled(maxMs: number): Promise<void> } {
  let count = 0;
  let idle: (() => void) | undefined;
  return {
    add(response) {
      count++;
      response.once('close', () => {
        count--;
        if (count === 0) idle?.();
      });
    },
    settled: (maxMs) =>
      count === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idle = resolve;
            setTimeout(resolve, maxMs).unref();
          }),
  };
}

/** Starts the proxy in front of `upstreams`, enforcing `limits`. */
export async function startProxy(upstreams: Upstreams, limits: InvocationLimits): Promise<EndpointProxy> {
  let port = 0;
  let closing = false;
  const inFlight = inFlightRequests();

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const refusal = hostOriginRefusal(request.headers, port);
    if (refusal) return answerError(response.setHeader('connection', 'close'), 403, 'AccessDeniedException', refusal);
    const path = (request.url ?? '/').split('?')[0];
    if (!((path === '/invocations' && request.method === 'POST') || (path === '/ping' && request.method === 'GET'))) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('a SageMaker endpoint answers POST /invocations and GET /ping\n');
      return;
    }
    if (closing) {
      return answerError(response.setHeader('connection', 'close'), 503, 'ServiceUnavailable', 'the endpoint is being deleted');
    }
    inFlight.add(response);
    const body = await readBody(request, limits.maxPayloadBytes);
    if (!body) return payloadTooLarge(response, limits.maxPayloadBytes);
    const outgoing = { method: request.method!, path: request.url ?? '/', headers: pick(request.headers, FORWARDED_REQUEST_HEADERS), body };
    await forwardWithRetry(upstreams, outgoing, response, limits);
  };
  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  // A body announced as too large is refused before the client sends it (curl asks first).
  server.on('checkContinue', (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (Number(request.headers['content-length']) > limits.maxPayloadBytes && !hostOriginRefusal(request.headers, port)) {
      return payloadTooLarge(response, limits.maxPayloadBytes);
    }
    response.writeContinue();
    server.emit('request', request, response);
  });
  // The endpoint process must not hang on to idle keep-alive connections when it shuts down.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      closing = true;
      server.close();
      server.closeIdleConnections();
      // Each request ends within the invocation timeout; a few seconds more let its answer out.
      await inFlight.settled(limits.timeoutSeconds * 1000 + 5000);
      server.closeAllConnections();
    },
  };
}

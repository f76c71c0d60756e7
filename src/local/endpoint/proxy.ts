/**
 * The front of a local endpoint: one HTTP server on a free 127.0.0.1 port that forwards
 * `POST /invocations` to the instances' port 8080 in turn (round robin, like SageMaker's load
 * balancing across instances) and answers `GET /ping` from them. Only the headers SageMaker's
 * InvokeEndpoint passes through are forwarded.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Request headers InvokeEndpoint hands to the container. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'x-amzn-sagemaker-custom-attributes', 'x-amzn-sagemaker-target-model', 'content-length'];
/** Response headers the caller gets back. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-sagemaker-custom-attributes', 'content-length'];

/** A running front proxy. */
export interface EndpointProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
}

function pick(headers: http.IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

function forward(target: string, request: http.IncomingMessage, response: http.ServerResponse): void {
  const upstream = http.request(
    new URL(request.url ?? '/', target),
    { method: request.method, headers: pick(request.headers, FORWARDED_REQUEST_HEADERS) },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, pick(answer.headers, FORWARDED_RESPONSE_HEADERS));
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (response.headersSent) return response.destroy(error);
    response.writeHead(502, { 'content-type': 'text/plain' }).end(`the model container did not answer: ${error.message}\n`);
  });
  request.pipe(upstream);
}

/** Starts the proxy in front of `targets` (`http://host:port` of each instance). */
export async function startProxy(targets: readonly string[]): Promise<EndpointProxy> {
  let next = 0;
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/invocations' && path !== '/ping') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('a SageMaker endpoint answers POST /invocations and GET /ping\n');
      return;
    }
    const target = targets[next % targets.length]!;
    next++;
    forward(target, request, response);
  });
  // The endpoint process must not hang on to idle keep-alive connections when it shuts down.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

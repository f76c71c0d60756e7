/**
 * The S3 behind serve: sagekit's own embedded store (data under `<state-dir>/s3-store`, answered
 * in-process on serve's port) or an existing store (`--s3-endpoint`), to which S3 requests that
 * reach serve's port are passed through unchanged.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { openEmbeddedStore } from './s3/handler.js';

/** The store serve uses. */
export interface S3Store {
  /** Where the jobs' S3 client goes: the external store, or (embedded) serve's own URL once it listens. */
  endpoint: string;
  embedded: boolean;
  /** Answers one S3 request that reached serve's port. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  close(): Promise<void>;
}

/** Opens the embedded store, or describes the external store at `endpoint`. */
export async function openS3Store(stateDir: string, endpoint?: string, log?: (line: string) => void): Promise<S3Store> {
  if (endpoint) {
    const external = endpoint.replace(/\/+$/, '');
    return { endpoint: external, embedded: false, handle: (request, response) => proxyToStore(external, request, response), close: async () => undefined };
  }
  const embedded = await openEmbeddedStore(path.join(stateDir, 's3-store'), log);
  return { endpoint: '', embedded: true, handle: embedded.handle, close: async () => undefined };
}

/** Passes one S3 request through to the external store and its answer back. */
function proxyToStore(endpoint: string, request: IncomingMessage, response: ServerResponse): void {
  const target = new URL(endpoint);
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      method: request.method,
      path: request.url ?? '/',
      headers: request.headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(`S3 store at ${endpoint} did not answer: ${error.message}`);
  });
  request.pipe(upstream);
}

/**
 * The S3 behind serve: an embedded s3rver (data under `<state-dir>/s3`) or an existing store
 * (`--s3-endpoint`). S3 requests that reach serve's port are passed through to it unchanged,
 * except that for the embedded store the client's signature is removed (serve accepts any key;
 * s3rver only knows its own), so every client and key works.
 */
import { mkdir } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: { port: number; address: string; silent: boolean; directory: string; vhostBuckets: boolean }) => S3rverInstance;

/** Credentials of the embedded s3rver (its built-in account; not an AWS credential). */
export const EMBEDDED_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The store serve uses. */
export interface S3Store {
  /** Where the store answers (the jobs' S3 client goes there directly). */
  endpoint: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Starts the embedded s3rver, or describes the external store at `endpoint`. */
export async function openS3Store(stateDir: string, endpoint?: string): Promise<S3Store> {
  if (endpoint) return { endpoint: endpoint.replace(/\/+$/, ''), embedded: false, close: async () => undefined };
  const directory = path.join(stateDir, 's3');
  await mkdir(directory, { recursive: true });
  // s3rver ships no type declarations; load it through require and type the little we use.
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, vhostBuckets: false });
  const { port } = await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, embedded: true, close: () => server.close() };
}

const SIGNATURE_QUERY = /^(x-amz-(algorithm|credential|signature|date|expires|signedheaders|security-token)|signature|awsaccesskeyid|expires)$/i;

/** The request's path and query as the store gets it (presigned-URL parameters removed for s3rver, the rest byte for byte). */
function targetPath(rawUrl: string, embedded: boolean): string {
  const [pathname = '/', query] = rawUrl.split(/\?(.*)/s, 2);
  if (!embedded || !query) return rawUrl;
  const kept = query.split('&').filter((part) => !SIGNATURE_QUERY.test(decodeURIComponent(part.split('=')[0] ?? '')));
  return pathname + (kept.length ? `?${kept.join('&')}` : '');
}

/** Passes one S3 request through to the store and its answer back. */
export function proxyToStore(store: S3Store, request: IncomingMessage, response: ServerResponse): void {
  const target = new URL(store.endpoint);
  const headers = { ...request.headers };
  if (store.embedded) delete headers.authorization;
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      method: request.method,
      path: targetPath(request.url ?? '/', store.embedded),
      headers,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(`S3 store at ${store.endpoint} did not answer: ${error.message}`);
  });
  request.pipe(upstream);
}

/**
 * Requests an attacker would send to serve's port — from a web page (foreign Origin, DNS
 * rebinding, form uploads), with a huge body, or naming prototype members as operations — each
 * refused before it reaches an operation or the store. A real HTTP server with serve's handler;
 * the store behind it is a recorder that must see none of these requests.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServeHandler, type RequestScope } from './server.js';

let server: Server;
let port: number;
const storeSaw: string[] = [];
const scopes: RequestScope[] = [];

async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = createServer(
    createServeHandler({
      json: {
        SageMaker: {
          ListTrainingJobs: async (_input, scope) => {
            scopes.push(scope);
            return { TrainingJobSummaries: [] };
          },
          DescribeTrainingJob: async (input) => {
            throw Object.assign(new Error(`no job ${String(input.TrainingJobName)}`), {});
          },
        },
      },
      store: {
        endpoint: '',
        embedded: true,
        handle: (req, res) => {
          storeSaw.push(`${req.method} ${req.url}`);
          req.resume();
          res.end();
        },
        close: async () => undefined,
      },
      region: 'us-east-1',
      accountId: '123456789012',
      port: () => port,
      log: () => undefined,
    }),
  );
  port = await listen(server);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  status: number;
  body: string;
}

function send(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/', headers: { host: `127.0.0.1:${port}`, ...options.headers } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    if (options.chunks) {
      // A chunked body far beyond the limit: the answer must come without serve reading it all.
      const piece = Buffer.alloc(1024 * 1024, 97);
      let sent = 0;
      const pump = (): void => {
        while (sent < options.chunks!) {
          sent++;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end();
      };
      req.on('error', () => undefined);
      pump();
    } else req.end(options.body);
  });
}

const json = (target: string, body = '{}', headers: Record<string, string> = {}) =>
  send({ headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1', ...headers }, body });

describe('serve refuses hostile requests', () => {
  it('answers its own loopback Host, signed for any region, with that region and its account', async () => {
    const answer = await json('SageMaker.ListTrainingJobs', '{}', {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261203/us-west-2/sagemaker/aws4_request, SignedHeaders=host, Signature=x',
    });
    expect(answer.status).toBe(200);
    expect(scopes.at(-1)).toEqual({ region: 'us-west-2', accountId: '123456789012' });
    expect((await json('SageMaker.ListTrainingJobs')).status).toBe(200);
    expect(scopes.at(-1)).toEqual({ region: 'us-east-1', accountId: '123456789012' });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin on every protocol', async () => {
    const hostile: Array<Record<string, string>> = [{ host: `evil.example:${port}` }, { origin: 'http://evil.example' }];
    for (const headers of hostile) {
      expect((await json('SageMaker.ListTrainingJobs', '{}', headers)).status).toBe(403);
      expect((await send({ method: 'GET', path: '/?Action=GetCallerIdentity', headers })).status).toBe(403);
      expect((await send({ method: 'PUT', path: '/bucket/key', headers, body: 'x' })).status).toBe(403);
      expect((await send({ method: 'DELETE', path: '/..%2f..%2fvictim', headers })).status).toBe(403);
    }
    expect(storeSaw).toEqual([]);
  });

  it('refuses browser form uploads before the store sees them, with or without an Origin', async () => {
    const form = '--b\r\nContent-Disposition: form-data; name="key"\r\n\r\n../../x\r\n--b--\r\n';
    const answer = await send({ path: '/bucket', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: form });
    expect(answer.status).toBe(501);
    expect(answer.body).toContain('<Code>NotImplemented</Code>');
    expect(storeSaw).toEqual([]);
  });

  it('passes ordinary S3 requests on to the store', async () => {
    expect((await send({ method: 'PUT', path: '/bucket/key', body: 'x' })).status).toBe(200);
    expect(storeSaw).toEqual(['PUT /bucket/key']);
  });

  it('looks operations up as own properties only', async () => {
    for (const operation of ['constructor', 'toString', '__proto__', 'constructor.assign', 'hasOwnProperty', 'valueOf']) {
      const answer = await json(`SageMaker.${operation}`, '{"a":1}');
      expect(answer.status, operation).toBe(400);
      expect(JSON.parse(answer.body).__type, operation).toBe('UnknownOperationException');
    }
    expect((await json('__proto__.ListTrainingJobs')).status).toBe(400);
  });

  it('refuses a body over the limit by its Content-Length or as it streams, without reading it whole', async () => {
    const declared = await json('SageMaker.ListTrainingJobs', 'x'.repeat(300 * 1024));
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).__type).toBe('RequestEntityTooLarge');
    const streamed = await send({ headers: { 'x-amz-target': 'SageMaker.ListTrainingJobs', 'transfer-encoding': 'chunked' }, chunks: 600 });
    expect(streamed.status).toBe(413);
  });

  it('never echoes a huge value back in an error', async () => {
    const answer = await json('SageMaker.DescribeTrainingJob', JSON.stringify({ TrainingJobName: 'a'.repeat(200_000) }));
    expect(answer.status).toBe(500);
    expect(answer.body.length).toBeLessThan(2000);
  });
});

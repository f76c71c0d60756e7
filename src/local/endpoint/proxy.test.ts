/**
 * The front proxy against real HTTP servers: round robin, forwarded headers, a dead instance
 * routed around, the payload limit, the invocation timeout, Host and Origin checks, draining.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Upstream, Upstreams } from './instance-pool.js';
import { startProxy } from './proxy.js';
import type { InvocationLimits } from './record.js';

const LIMITS: InvocationLimits = { timeoutSeconds: 60, maxPayloadBytes: 6 * 1024 * 1024 };

/** An instance that echoes what it got; `POST /invocations` with a body `sleep:N` answers after N ms. */
function instance(name: string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const delay = Number(/^sleep:(\d+)$/.exec(body)?.[1] ?? 0);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-ignored': 'no' });
        res.end(
          JSON.stringify({
            name,
            path: req.url,
            method: req.method,
            contentType: req.headers['content-type'],
            accept: req.headers.accept,
            cookie: req.headers.cookie,
            size: body.length,
            body: body.slice(0, 100),
          }),
        );
      }, delay);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Round robin over fixed addresses, recording which ones the proxy reported unreachable. */
function fixed(addresses: string[]): Upstreams & { unreachableSeen: string[] } {
  let next = 0;
  const unreachableSeen: string[] = [];
  return {
    unreachableSeen,
    next(tried): Upstream | undefined {
      for (let i = 0; i < addresses.length; i++) {
        const address = addresses[(next + i) % addresses.length]!;
        if (tried.has(address) || unreachableSeen.includes(address)) continue;
        next = (next + i + 1) % addresses.length;
        return { name: `instance-${addresses.indexOf(address) + 1}`, address };
      }
      return undefined;
    },
    unreachable: (address) => unreachableSeen.push(address),
  };
}

/** A raw HTTP/1.1 request, so Host and Origin are exactly what the test says. */
function rawRequest(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const request = http.request({ hostname, port, path: '/ping', method: 'GET', headers, setHost: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('local endpoint proxy', async () => {
  const a = await instance('a');
  const b = await instance('b');
  const proxy = await startProxy(fixed([a.url, b.url]), LIMITS);
  afterAll(async () => {
    await proxy.close();
    a.server.close();
    b.server.close();
  });

  it('sends invocations to the instances in turn, with content type and accept only', async () => {
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${proxy.url}/invocations`, {
        method: 'POST',
        body: `x${i}`,
        headers: { 'content-type': 'text/csv', accept: 'application/json', cookie: 'secret' },
      });
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('x-ignored')).toBeNull();
      const seen = (await response.json()) as Record<string, string>;
      expect(seen).toMatchObject({ path: '/invocations', method: 'POST', contentType: 'text/csv', accept: 'application/json', body: `x${i}` });
      expect(seen.cookie).toBeUndefined();
      names.push(seen.name!);
    }
    expect(names).toEqual(['a', 'b', 'a', 'b']);
  });

  it('answers 404 for other paths; a dead instance is routed around, with none left it is 502', async () => {
    expect((await fetch(`${proxy.url}/other`)).status).toBe(404);
    const dead = await closedPort();
    const upstreams = fixed([dead, a.url]);
    const routed = await startProxy(upstreams, LIMITS);
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${routed.url}/invocations`, { method: 'POST', body: 'x' });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { name: string }).name).toBe('a');
    }
    expect(upstreams.unreachableSeen).toEqual([dead]);
    await routed.close();

    const none = await startProxy(fixed([dead]), LIMITS);
    const response = await fetch(`${none.url}/ping`);
    expect(response.status).toBe(502);
    expect(response.headers.get('x-amzn-errortype')).toBe('ModelError');
    expect(await response.text()).toContain('did not answer');
    await none.close();
  });

  it('refuses a body over the payload limit with 413 naming the limit, and takes one at the limit', async () => {
    const small = await startProxy(fixed([a.url]), { ...LIMITS, maxPayloadBytes: 1024 });
    const atLimit = await fetch(`${small.url}/invocations`, { method: 'POST', body: 'x'.repeat(1024) });
    expect(atLimit.status).toBe(200);
    expect(((await atLimit.json()) as { size: number }).size).toBe(1024);
    const over = await fetch(`${small.url}/invocations`, { method: 'POST', body: 'x'.repeat(1025) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { Message: string }).Message).toContain('HTTP content length exceeded 1024 bytes');
    await small.close();
    // The default: SageMaker's 6 MB.
    const big = await fetch(`${proxy.url}/invocations`, { method: 'POST', body: new Uint8Array(6 * 1024 * 1024 + 1) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { Message: string }).Message).toBe(
      "HTTP content length exceeded 6291456 bytes (the endpoint's payload limit, maxPayload 6 MB)",
    );
  });

  it('answers a ModelError naming the timeout when the model is slower than the invocation timeout', async () => {
    const quick = await startProxy(fixed([a.url]), { ...LIMITS, timeoutSeconds: 1 });
    const response = await fetch(`${quick.url}/invocations`, { method: 'POST', body: 'sleep:3000' });
    expect(response.status).toBe(424);
    expect(response.headers.get('x-amzn-errortype')).toBe('ModelError');
    const error = (await response.json()) as { Message: string; OriginalStatusCode: number };
    expect(error.Message).toContain('Your invocation timed out while waiting for a response from container instance-1');
    expect(error.Message).toContain("no answer within 1 s (the endpoint's invocationTimeout)");
    await quick.close();
  });

  it('refuses a Host that is not its own address and a foreign Origin', async () => {
    const { port } = new URL(proxy.url);
    expect(await rawRequest(proxy.url, { host: `127.0.0.1:${port}` })).toBe(200);
    expect(await rawRequest(proxy.url, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(200);
    expect(await rawRequest(proxy.url, { host: `evil.example:${port}` })).toBe(403);
    expect(await rawRequest(proxy.url, { host: '127.0.0.1:1' })).toBe(403);
    expect(await rawRequest(proxy.url, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' })).toBe(403);
    expect(await rawRequest(proxy.url, { host: `127.0.0.1:${port}`, origin: 'null' })).toBe(403);
    const forged = await fetch(`${proxy.url}/invocations`, { method: 'POST', body: 'x', headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('evil.example');
  });

  it('on close, answers the requests in flight and takes no new connection', async () => {
    const draining = await startProxy(fixed([a.url, b.url]), LIMITS);
    const slow = [1, 2, 3].map(() => fetch(`${draining.url}/invocations`, { method: 'POST', body: 'sleep:1500' }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closed = draining.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${draining.url}/ping`)).rejects.toThrow();
    for (const response of await Promise.all(slow)) {
      expect(response.status).toBe(200);
      expect(((await response.json()) as { body: string }).body).toBe('sleep:1500');
    }
    await closed;
  });
});

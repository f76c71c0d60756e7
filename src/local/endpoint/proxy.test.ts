/** The front proxy against two real HTTP servers: round robin, forwarded headers, errors. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startProxy } from './proxy.js';

function instance(name: string): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-ignored': 'no' });
      res.end(
        JSON.stringify({
          name,
          path: req.url,
          method: req.method,
          contentType: req.headers['content-type'],
          accept: req.headers.accept,
          cookie: req.headers.cookie,
          body,
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

describe('local endpoint proxy', async () => {
  const a = await instance('a');
  const b = await instance('b');
  const proxy = await startProxy([a.url, b.url]);
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

  it('answers 404 for other paths and 502 when an instance is gone', async () => {
    expect((await fetch(`${proxy.url}/other`)).status).toBe(404);
    const dead = await startProxy(['http://127.0.0.1:9']);
    const response = await fetch(`${dead.url}/ping`);
    expect(response.status).toBe(502);
    expect(await response.text()).toContain('did not answer');
    await dead.close();
  });
});

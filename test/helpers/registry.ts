/**
 * A real image registry on 127.0.0.1 for pull tests: Debian's `docker-registry` (the CNCF
 * distribution server, installed by .ci/run) serving TLS with a throw-away certificate that the
 * engine is told to trust through `certs.d/<host:port>/ca.crt`. Podman reads certs.d on every
 * pull, so no engine restart or insecure-registry setting is needed; the trust files are removed
 * on stop.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A running registry. */
export interface TestRegistry {
  /** `127.0.0.1:<port>`, to prefix image names with. */
  host: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answers(host: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: Number(host.split(':')[1]), path: '/v2/', ca, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Starts the registry and makes the engine trust it; throws with what to install when it cannot. */
export async function startRegistry(): Promise<TestRegistry> {
  const binary = ['/usr/bin/docker-registry', '/usr/local/bin/registry'].find((file) => existsSync(file));
  if (!binary) throw new Error('the pull tests need an image registry: apt-get install docker-registry openssl (.ci/run does)');
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-registry-'));
  const host = `127.0.0.1:${await freePort()}`;
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    {
      stdio: 'ignore',
    },
  );
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      'http:',
      `  addr: ${host}`,
      '  secret: test',
      '  tls:',
      `    certificate: ${cert}`,
      `    key: ${key}`,
      '',
    ].join('\n'),
  );
  // Podman reads /etc/containers/certs.d, Docker /etc/docker/certs.d: trust the test CA in those present.
  const trustDirs = ['/etc/containers', '/etc/docker'].filter((etc) => existsSync(etc)).map((etc) => path.join(etc, 'certs.d', host));
  try {
    for (const trust of trustDirs) {
      mkdirSync(trust, { recursive: true });
      copyFileSync(cert, path.join(trust, 'ca.crt'));
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the pull tests must make the engine trust a test registry in ${trustDirs.join(' and ')} (run them as root, as .ci/run does): ${(error as Error).message}`,
    );
  }
  const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ca = readFileSync(cert, 'utf8');
  const stop = async () => {
    child.kill('SIGTERM');
    for (const trust of trustDirs) rmSync(trust, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await answers(host, ca)) return { host, stop };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`the test registry did not start on ${host}: ${stderr.trim() || 'no answer'}`);
}

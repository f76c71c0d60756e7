import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerodeOptions } from './client-options.js';
import { parseVersion } from './info.js';
import { engineCandidates, normalizeHost } from './strategies.js';

const home = mkdtempSync(path.join(tmpdir(), 'sagekit-home-'));

function writeContext(name: string, host: string, withTls = false): void {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(path.join(home, '.docker/contexts/meta', id), { recursive: true });
  writeFileSync(
    path.join(home, '.docker/contexts/meta', id, 'meta.json'),
    JSON.stringify({ Name: name, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
  if (withTls) {
    const tls = path.join(home, '.docker/contexts/tls', id, 'docker');
    mkdirSync(tls, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(tls, file), `${file} of ${name}`);
  }
}

describe('engine detection order', () => {
  it('DOCKER_HOST, then the usual sockets in the order users expect', () => {
    const hosts = engineCandidates({ DOCKER_HOST: 'tcp://box:2375', XDG_RUNTIME_DIR: '/run/user/1000' }, undefined, '/home/u').map(
      (c) => `${c.source}=${c.host}`,
    );
    expect(hosts.slice(0, 5)).toEqual([
      'DOCKER_HOST=tcp://box:2375',
      'Docker=unix:///var/run/docker.sock',
      'Docker (rootless)=unix:///run/user/1000/docker.sock',
      'Podman (rootless)=unix:///run/user/1000/podman/podman.sock',
      'Podman=unix:///run/podman/podman.sock',
    ]);
    expect(hosts).toContain('Docker Desktop=unix:///home/u/.docker/run/docker.sock');
    expect(hosts).toContain('Colima=unix:///home/u/.colima/default/docker.sock');
  });

  it('an explicit setting and DOCKER_HOST are explicit: nothing else is tried when they do not answer', () => {
    const [first, second] = engineCandidates({ DOCKER_HOST: '/tmp/x.sock' }, 'ssh://me@big', home);
    expect(first).toMatchObject({ host: 'ssh://me@big', explicit: true });
    expect(second).toMatchObject({ host: 'unix:///tmp/x.sock', explicit: true });
  });

  it('the current Docker context: DOCKER_CONTEXT, else config.json currentContext, with its TLS files', () => {
    writeContext('remote', 'tcp://gpu-box:2376', true);
    writeContext('colima', 'unix:///home/u/.colima/default/docker.sock');
    mkdirSync(path.join(home, '.docker'), { recursive: true });
    writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'colima' }));
    const remembered = engineCandidates({}, undefined, home)[0]!;
    expect(remembered).toMatchObject({ host: 'unix:///home/u/.colima/default/docker.sock', source: 'Docker context "colima"', explicit: false });
    const chosen = engineCandidates({ DOCKER_CONTEXT: 'remote' }, undefined, home)[0]!;
    expect(chosen).toMatchObject({ host: 'tcp://gpu-box:2376', explicit: true, tls: { verify: true } });
    const options = dockerodeOptions(chosen) as Record<string, unknown>;
    expect(options).toMatchObject({ protocol: 'https', host: 'gpu-box', port: 2376 });
    expect(String(options.ca)).toBe('ca.pem of remote');
    // "default" means the default socket, not a context entry.
    expect(engineCandidates({ DOCKER_CONTEXT: 'default' }, undefined, home)[0]!.source).toBe('Docker');
  });

  it('DOCKER_TLS_VERIFY / DOCKER_CERT_PATH for tcp, ssh:// through the ssh agent, bare paths and host:port', () => {
    const certs = path.join(home, 'certs');
    mkdirSync(certs, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(certs, file), file);
    const [tls] = engineCandidates({ DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }, undefined, home);
    expect(dockerodeOptions(tls!)).toMatchObject({ protocol: 'https', host: '10.0.0.5', port: 2376 });
    expect(String((dockerodeOptions(tls!) as { key?: Buffer }).key)).toBe('key.pem');
    const [ssh] = engineCandidates({ DOCKER_HOST: 'ssh://me@big-box:2222' }, undefined, home);
    expect(dockerodeOptions(ssh!, { SSH_AUTH_SOCK: '/tmp/agent' })).toMatchObject({
      protocol: 'ssh',
      host: 'big-box',
      port: 2222,
      username: 'me',
      sshOptions: { agent: '/tmp/agent' },
    });
    expect(dockerodeOptions({ host: 'tcp://box', source: 'x' })).toMatchObject({ protocol: 'http', host: 'box', port: 2375 });
    expect(dockerodeOptions({ host: 'unix:///run/podman/podman.sock', source: 'x' })).toMatchObject({ socketPath: '/run/podman/podman.sock' });
    expect(normalizeHost('/var/run/docker.sock')).toBe('unix:///var/run/docker.sock');
    expect(normalizeHost('box:2375')).toBe('tcp://box:2375');
  });

  it('tells Docker from Podman by /version', () => {
    expect(
      parseVersion({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64', Components: [{ Name: 'Engine', Version: '20.10.24' }] }),
    ).toEqual({
      kind: 'docker',
      version: '20.10.24',
      apiVersion: '1.41',
      os: 'linux',
      arch: 'amd64',
    });
    expect(parseVersion({ Version: '4.3.1', ApiVersion: '1.41', Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] })).toMatchObject({
      kind: 'podman',
      version: '4.3.1',
    });
  });
});

/**
 * Where a container engine may be listening, in the order users expect (ENGINE.md): an explicit
 * host, DOCKER_HOST, Docker's socket, Podman's rootless and rootful sockets, then the sockets of
 * Docker Desktop, Colima, OrbStack and Rancher Desktop in the home directory.
 */
import { homedir } from 'node:os';
import path from 'node:path';

/** One place to try: a unix socket path or a tcp URL, and where the idea came from. */
export interface EngineCandidate {
  /** `unix:///path` or `tcp://host:port` / `http(s)://host:port`. */
  host: string;
  /** Why this candidate is tried, for the error message (e.g. `DOCKER_HOST`). */
  source: string;
}

/** Candidates in detection order; duplicates removed. */
export function engineCandidates(env: NodeJS.ProcessEnv = process.env, explicit?: string, home = homedir()): EngineCandidate[] {
  const list: EngineCandidate[] = [];
  if (explicit) list.push({ host: normalizeHost(explicit), source: 'engineHost setting' });
  if (env.DOCKER_HOST) list.push({ host: normalizeHost(env.DOCKER_HOST), source: 'DOCKER_HOST' });
  list.push({ host: 'unix:///var/run/docker.sock', source: 'Docker' });
  if (env.XDG_RUNTIME_DIR) list.push({ host: `unix://${path.join(env.XDG_RUNTIME_DIR, 'podman/podman.sock')}`, source: 'Podman (rootless)' });
  list.push({ host: 'unix:///run/podman/podman.sock', source: 'Podman' });
  list.push({ host: `unix://${path.join(home, '.docker/run/docker.sock')}`, source: 'Docker Desktop' });
  list.push({ host: `unix://${path.join(home, '.colima/default/docker.sock')}`, source: 'Colima' });
  list.push({ host: `unix://${path.join(home, '.orbstack/run/docker.sock')}`, source: 'OrbStack' });
  list.push({ host: `unix://${path.join(home, '.rd/docker.sock')}`, source: 'Rancher Desktop' });
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.host) ? false : (seen.add(c.host), true)));
}

/** Accepts bare socket paths as well as URLs. */
export function normalizeHost(host: string): string {
  return host.startsWith('/') ? `unix://${host}` : host;
}

/** dockerode connection options for a host URL. */
export function dockerodeOptions(host: string): { socketPath: string } | { host: string; port: number; protocol: 'http' | 'https' } {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return { host: url.hostname, port: Number(url.port || (protocol === 'https' ? 2376 : 2375)), protocol };
}

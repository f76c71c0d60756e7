/**
 * Where a container engine may be listening, as users have it set up: an explicit host,
 * `DOCKER_HOST`, the current Docker context, then the well-known sockets of Docker, rootless
 * Docker, Podman (rootless, rootful, `podman machine`), Docker Desktop, Colima, OrbStack and
 * Rancher Desktop. Each strategy is a small function; {@link engineCandidates} tries them in order.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { currentDockerContext, type EngineTls } from './docker-context.js';

/** One place to try and where the idea came from. */
export interface EngineCandidate {
  /** `unix:///path`, `npipe:////./pipe/…`, `tcp://host:port`, `http(s)://…` or `ssh://user@host`. */
  host: string;
  /** Why this candidate is tried, for the error message (e.g. `DOCKER_HOST`). */
  source: string;
  tls?: EngineTls;
  /** Chosen by the user: when it does not answer, nothing else is tried. */
  explicit?: boolean;
}

interface StrategyInput {
  env: NodeJS.ProcessEnv;
  home: string;
}

type Strategy = (input: StrategyInput) => EngineCandidate[];

const socket = (file: string, source: string): EngineCandidate => ({ host: `unix://${file}`, source });

/** `DOCKER_HOST`, with `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH` as the docker CLI reads them. */
const fromDockerHost: Strategy = ({ env, home }) => {
  if (!env.DOCKER_HOST) return [];
  const host = normalizeHost(env.DOCKER_HOST);
  const verify = Boolean(env.DOCKER_TLS_VERIFY) && env.DOCKER_TLS_VERIFY !== '0';
  const tls = verify || env.DOCKER_CERT_PATH ? { certPath: env.DOCKER_CERT_PATH || path.join(home, '.docker'), verify } : undefined;
  return [{ host, source: 'DOCKER_HOST', explicit: true, ...(tls && /^(tcp|https?):/.test(host) && { tls }) }];
};

/** The current Docker context (`DOCKER_CONTEXT`, else `currentContext` of ~/.docker/config.json). */
const fromDockerContext: Strategy = ({ env, home }) => {
  const context = currentDockerContext(env, home);
  if (!context) return [];
  const source = `Docker context "${context.name}"`;
  return [{ host: normalizeHost(context.host), source, explicit: context.chosenByEnv, ...(context.tls && { tls: context.tls }) }];
};

const dockerSocket: Strategy = () => [socket('/var/run/docker.sock', 'Docker')];

const rootlessDocker: Strategy = ({ env }) => (env.XDG_RUNTIME_DIR ? [socket(path.join(env.XDG_RUNTIME_DIR, 'docker.sock'), 'Docker (rootless)')] : []);

const rootlessPodman: Strategy = ({ env }) => (env.XDG_RUNTIME_DIR ? [socket(path.join(env.XDG_RUNTIME_DIR, 'podman/podman.sock'), 'Podman (rootless)')] : []);

const rootfulPodman: Strategy = () => [socket('/run/podman/podman.sock', 'Podman')];

/** `podman machine` API sockets (macOS and Windows-on-Linux set-ups keep them in these places). */
const podmanMachine: Strategy = ({ env, home }) => {
  const dirs = [
    path.join(home, '.local/share/containers/podman/machine'),
    path.join(env.TMPDIR ?? tmpdir(), 'podman'),
    ...(env.XDG_RUNTIME_DIR ? [path.join(env.XDG_RUNTIME_DIR, 'podman')] : []),
  ];
  const found: EngineCandidate[] = [];
  for (const dir of dirs) {
    for (const name of listDir(dir)) {
      if (name.endsWith('-api.sock')) found.push(socket(path.join(dir, name), 'podman machine'));
      const inner = path.join(dir, name, 'podman.sock');
      if (existsSync(inner)) found.push(socket(inner, 'podman machine'));
    }
  }
  return found;
};

const desktopApps: Strategy = ({ home }) => [
  socket(path.join(home, '.docker/run/docker.sock'), 'Docker Desktop'),
  socket(path.join(home, '.docker/desktop/docker.sock'), 'Docker Desktop'),
  socket(path.join(home, '.colima/default/docker.sock'), 'Colima'),
  socket(path.join(home, '.colima/docker.sock'), 'Colima'),
  socket(path.join(home, '.orbstack/run/docker.sock'), 'OrbStack'),
  socket(path.join(home, '.rd/docker.sock'), 'Rancher Desktop'),
];

/** Detection order (ENGINE.md, and what the docker CLI itself honours first). */
const STRATEGIES: Strategy[] = [fromDockerHost, fromDockerContext, dockerSocket, rootlessDocker, rootlessPodman, rootfulPodman, podmanMachine, desktopApps];

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Candidates in detection order; duplicates removed. */
export function engineCandidates(env: NodeJS.ProcessEnv = process.env, explicit?: string, home = homedir()): EngineCandidate[] {
  const list: EngineCandidate[] = [];
  if (explicit) list.push({ host: normalizeHost(explicit), source: 'engineHost setting', explicit: true });
  for (const strategy of STRATEGIES) list.push(...strategy({ env, home }));
  const seen = new Set<string>();
  return list.filter((c) => (seen.has(c.host) ? false : (seen.add(c.host), true)));
}

/** Accepts bare socket paths and `host:port` as well as URLs. */
export function normalizeHost(host: string): string {
  if (host.startsWith('/')) return `unix://${host}`;
  if (!host.includes('://')) return `tcp://${host}`;
  return host;
}

/** Whether a host names this machine's own disk (bind mounts work) rather than a remote engine's. */
export function isLocalHost(host: string): boolean {
  return host.startsWith('unix://') || host.startsWith('npipe://');
}

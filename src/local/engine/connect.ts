/**
 * Finds a container engine that answers (Docker or Podman, both through the Docker Engine API)
 * and returns a dockerode client for it. When none answers, an EnvironmentError (CLI exit 3)
 * says what was tried and how to start one.
 */
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { clientOptions } from './client-options.js';
import { engineInfo, type EngineInfo } from './info.js';
import { loadDockerode } from './lean-dockerode.js';
import { engineCandidates, isLocalHost, type EngineCandidate } from './strategies.js';

/** A connected engine. */
export interface Engine {
  docker: Docker;
  /** Where it answered, e.g. `unix:///run/podman/podman.sock`. */
  host: string;
  /** How it was found, e.g. `DOCKER_HOST`, `Podman`, `Docker context "remote"`. */
  source: string;
  /** On this machine (a socket), so bind mounts name this machine's files. */
  local: boolean;
}

const PING_TIMEOUT_MS = 10_000;
const PING_ATTEMPTS = 3;

/** Errors of a busy engine rather than an absent one: worth asking again. */
function transient(error: unknown): boolean {
  return /socket hang up|ECONNRESET|EAGAIN|timeout|EPIPE/i.test(`${(error as Error).message} ${(error as { code?: string }).code ?? ''}`);
}

/** `/_ping`: the cheapest call every engine answers (Podman's `/version` takes a second). */
async function ping(docker: Docker): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.ping();
      return;
    } catch (error) {
      if (attempt >= PING_ATTEMPTS || !transient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

async function tryCandidate(candidate: EngineCandidate): Promise<Engine | string> {
  if (candidate.host.startsWith('unix://') && !existsSync(candidate.host.slice('unix://'.length))) return 'no such socket';
  try {
    const Dockerode = loadDockerode(); // its heavy parts deferred (lean-dockerode.ts)
    const docker = new Dockerode({ ...clientOptions(candidate), timeout: PING_TIMEOUT_MS });
    await ping(docker);
    // The short timeout is for detection only: builds, pulls and waits take as long as they take.
    return { docker: new Dockerode(clientOptions(candidate)), host: candidate.host, source: candidate.source, local: isLocalHost(candidate.host) };
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'no answer';
  }
}

const cache = new Map<string, Promise<Engine>>();

/** The first engine that answers, trying `explicitHost` first (cached per host setting). */
export function connectEngine(explicitHost?: string, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const key = `${explicitHost ?? ''}|${env.DOCKER_HOST ?? ''}|${env.DOCKER_CONTEXT ?? ''}`;
  let engine = cache.get(key);
  if (!engine) {
    engine = detect(explicitHost, env);
    cache.set(key, engine);
    engine.catch(() => cache.delete(key));
  }
  return engine;
}

async function detect(explicitHost: string | undefined, env: NodeJS.ProcessEnv): Promise<Engine> {
  const tried: string[] = [];
  for (const candidate of engineCandidates(env, explicitHost)) {
    const result = await tryCandidate(candidate);
    if (typeof result !== 'string') return result;
    tried.push(`${candidate.host} (${candidate.source}): ${result}`);
    // An explicit choice that does not answer is an error, not a reason to use something else.
    if (candidate.explicit) break;
  }
  throw new EnvironmentError(
    `no container engine answers; tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`,
    'start Docker, or Podman\'s API service (podman system service --time=0 unix:///run/podman/podman.sock &) and set DOCKER_HOST; on Debian as root: eval "$(bash scripts/ensure-engine.sh)"',
  );
}

/** An engine that answered during {@link discoverEngines}, with what it says of itself. */
export interface FoundEngine extends Engine {
  info: EngineInfo;
}

/**
 * Every candidate that answers (not just the first), with its kind and version: for
 * `sagekit doctor` and for running the test suite once per engine.
 */
export async function discoverEngines(env: NodeJS.ProcessEnv = process.env, extra: EngineCandidate[] = []): Promise<{ found: FoundEngine[]; tried: string[] }> {
  const found: FoundEngine[] = [];
  const tried: string[] = [];
  const candidates = [...engineCandidates(env), ...extra.filter((e) => !engineCandidates(env).some((c) => c.host === e.host))];
  for (const candidate of candidates) {
    const result = await tryCandidate(candidate);
    if (typeof result === 'string') {
      tried.push(`${candidate.host} (${candidate.source}): ${result}`);
      continue;
    }
    const info = await engineInfo(result.docker).catch(() => undefined);
    if (info) found.push({ ...result, info });
    else tried.push(`${candidate.host} (${candidate.source}): answers ping but not /version`);
  }
  return { found, tried };
}

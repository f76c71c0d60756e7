/**
 * Finds a container engine that answers (Docker or Podman, both through the Docker Engine API)
 * and returns a dockerode client for it. When none answers, an EnvironmentError (CLI exit 3)
 * says what was tried and how to start one.
 */
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { clientOptions } from './client-options.js';
import { DockerodeEngine, type EngineLocation } from './dockerode-engine.js';
import { engineInfo, type EngineInfo } from './info.js';
import { loadDockerode } from './lean-dockerode.js';
import { engineCandidates, isLocalHost, type EngineCandidate } from './strategies.js';
import { sleep } from '../../util/sleep.js';

/**
 * A connected engine: the {@link Engine} clients, and the raw dockerode client for `engine/`
 * itself and for tests (the rest of sagekit uses the clients only).
 */
export type ConnectedEngine = DockerodeEngine;

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
      await sleep(250 * attempt);
    }
  }
}

async function tryCandidate(candidate: EngineCandidate): Promise<ConnectedEngine | string> {
  if (candidate.host.startsWith('unix://') && !existsSync(candidate.host.slice('unix://'.length))) return 'no such socket';
  try {
    const Dockerode = loadDockerode(); // its heavy parts deferred (lean-dockerode.ts)
    const docker = new Dockerode({ ...clientOptions(candidate), timeout: PING_TIMEOUT_MS });
    await ping(docker);
    // The short timeout is for detection only: builds, pulls and waits take as long as they take.
    return new DockerodeEngine(new Dockerode(clientOptions(candidate)), { host: candidate.host, source: candidate.source, local: isLocalHost(candidate.host) });
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'no answer';
  }
}

const cache = new Map<string, Promise<ConnectedEngine>>();

/** The first engine that answers, trying `explicitHost` first (cached per host setting). */
export function connectEngine(explicitHost?: string, env: NodeJS.ProcessEnv = process.env): Promise<ConnectedEngine> {
  const key = `${explicitHost ?? ''}|${env.DOCKER_HOST ?? ''}|${env.DOCKER_CONTEXT ?? ''}`;
  let engine = cache.get(key);
  if (!engine) {
    engine = detect(explicitHost, env);
    cache.set(key, engine);
    engine.catch(() => cache.delete(key));
  }
  return engine;
}

async function detect(explicitHost: string | undefined, env: NodeJS.ProcessEnv): Promise<ConnectedEngine> {
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
export interface FoundEngine extends EngineLocation {
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
    if (info) found.push({ host: result.host, source: result.source, local: result.local, info });
    else tried.push(`${candidate.host} (${candidate.source}): answers ping but not /version`);
  }
  return { found, tried };
}

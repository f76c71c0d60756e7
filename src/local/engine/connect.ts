/**
 * Finds a container engine that answers (Docker or Podman, both through the Docker Engine API)
 * and returns a dockerode client for it. When none answers, an EnvironmentError (CLI exit 3)
 * says what was tried and how to start one.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { dockerodeOptions, engineCandidates, type EngineCandidate } from './strategies.js';

/** A connected engine. */
export interface Engine {
  docker: Docker;
  host: string;
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

/**
 * Connection options of a client. Node 20's default agent keeps sockets alive, and reusing one
 * the engine has just closed fails with "socket hang up"; a fresh connection per request is
 * cheap on a local socket and never stale.
 */
function clientOptions(host: string): Docker.DockerOptions {
  const target = dockerodeOptions(host);
  const agent = 'socketPath' in target || target.protocol === 'http' ? new http.Agent({ keepAlive: false }) : new https.Agent({ keepAlive: false });
  // docker-modem honours `agent`; @types/dockerode does not list it.
  return { ...target, agent } as unknown as Docker.DockerOptions;
}

async function tryCandidate(candidate: EngineCandidate): Promise<Engine | string> {
  const target = dockerodeOptions(candidate.host);
  if ('socketPath' in target && !existsSync(target.socketPath)) return 'no such socket';
  const options = clientOptions(candidate.host);
  const docker = new Docker({ ...options, timeout: PING_TIMEOUT_MS });
  try {
    await ping(docker);
    // The short timeout is for detection only: builds, pulls and waits take as long as they take.
    return { docker: new Docker(clientOptions(candidate.host)), host: candidate.host };
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'no answer';
  }
}

const cache = new Map<string, Promise<Engine>>();

/** The first engine that answers, trying `explicitHost` first (cached per host setting). */
export function connectEngine(explicitHost?: string, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const key = `${explicitHost ?? ''}|${env.DOCKER_HOST ?? ''}`;
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
    if (candidate.source === 'engineHost setting' || candidate.source === 'DOCKER_HOST') break;
  }
  throw new EnvironmentError(
    `no container engine answers; tried:\n${tried.map((t) => `  - ${t}`).join('\n')}`,
    'start Docker, or Podman\'s API service (podman system service --time=0 unix:///run/podman/podman.sock &) and set DOCKER_HOST; on Debian as root: eval "$(bash scripts/ensure-engine.sh)"',
  );
}

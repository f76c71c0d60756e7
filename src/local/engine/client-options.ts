/**
 * dockerode (docker-modem) connection options for an engine candidate: unix sockets and named
 * pipes, plain and TLS `tcp://`, and `ssh://user@host[:port]` (docker-modem tunnels over ssh2,
 * using the running ssh-agent), the same forms the docker CLI takes.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { inspect } from 'node:util';
import type Docker from 'dockerode';
import type { EngineCandidate } from './strategies.js';

/** Connection options of a candidate (pure but for reading TLS files). */
export function dockerodeOptions(candidate: EngineCandidate, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  const { host } = candidate;
  // `host: undefined` so docker-modem's own DOCKER_HOST defaults never override a socket.
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length), host: undefined } as Docker.DockerOptions;
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length) || '//./pipe/docker_engine', host: undefined } as Docker.DockerOptions;
  const url = new URL(host.replace(/^tcp:/, 'http:'));
  if (url.protocol === 'ssh:') {
    return {
      protocol: 'ssh',
      host: url.hostname,
      port: Number(url.port || 22),
      ...(url.username && { username: decodeURIComponent(url.username) }),
      sshOptions: { ...(env.SSH_AUTH_SOCK && { agent: env.SSH_AUTH_SOCK }) },
    } as Docker.DockerOptions;
  }
  const secure = url.protocol === 'https:' || candidate.tls !== undefined || url.port === '2376';
  const options: Docker.DockerOptions = {
    protocol: secure ? 'https' : 'http',
    host: url.hostname,
    port: Number(url.port || (secure ? 2376 : 2375)),
  };
  if (secure && candidate.tls) {
    const file = (name: string) => readFileSync(path.join(candidate.tls!.certPath, name));
    Object.assign(options, { ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') });
    if (!candidate.tls.verify) Object.assign(options, { checkServerIdentity: () => undefined });
  }
  return options;
}

/**
 * Options of a client. Node 20's default agent keeps sockets alive, and reusing one the engine
 * has just closed fails with "socket hang up"; a fresh connection per request is cheap on a
 * local socket and never stale. ssh brings its own agent (the tunnel).
 */
export function clientOptions(candidate: EngineCandidate, env: NodeJS.ProcessEnv = process.env): Docker.DockerOptions {
  const target = dockerodeOptions(candidate, env);
  if (target.protocol === 'ssh') return target;
  const agent = target.protocol === 'https' ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  // docker-modem formats every request's options for its debug log (util.inspect, showHidden,
  // unbounded depth) even when that log is off; through the agent and its open sockets that cost
  // ~10 ms of CPU per engine call. The agent describes itself in one line instead.
  Object.defineProperty(agent, inspect.custom, { value: () => `${agent.constructor.name} { keepAlive: false }` });
  // docker-modem honours `agent`; @types/dockerode does not list it.
  return { ...target, agent } as unknown as Docker.DockerOptions;
}

/**
 * The Docker CLI's current context, read the way the CLI reads it: `DOCKER_CONTEXT`, else
 * `currentContext` in `$DOCKER_CONFIG/config.json` (default `~/.docker`); the context's endpoint
 * in `contexts/meta/<sha256 of name>/meta.json` and its TLS files under `contexts/tls/<sha256>/docker/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** TLS material for a `tcp://` engine (`DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH`, or a context's). */
export interface EngineTls {
  /** Directory holding `ca.pem`, `cert.pem`, `key.pem`. */
  certPath: string;
  /** Verify the server's certificate (false only for a context with `SkipTLSVerify`). */
  verify: boolean;
}

/** A context that names an engine endpoint. */
export interface DockerContext {
  name: string;
  host: string;
  tls?: EngineTls;
  /** Chosen with `DOCKER_CONTEXT` (explicit) rather than remembered in config.json. */
  chosenByEnv: boolean;
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The current context's endpoint, or undefined for none / `default` (the default socket). */
export function currentDockerContext(env: NodeJS.ProcessEnv, home: string): DockerContext | undefined {
  const configDir = env.DOCKER_CONFIG || path.join(home, '.docker');
  const chosenByEnv = Boolean(env.DOCKER_CONTEXT);
  const name = env.DOCKER_CONTEXT || (readJson(path.join(configDir, 'config.json'))?.currentContext as string | undefined);
  if (!name || name === 'default') return undefined;
  const id = createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(configDir, 'contexts/meta', id, 'meta.json')) as
    | { Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }
    | undefined;
  const endpoint = meta?.Endpoints?.docker;
  if (!endpoint?.Host) return undefined;
  const tlsDir = path.join(configDir, 'contexts/tls', id, 'docker');
  const tls = existsSync(path.join(tlsDir, 'ca.pem')) ? { certPath: tlsDir, verify: endpoint.SkipTLSVerify !== true } : undefined;
  return { name, host: endpoint.Host, chosenByEnv, ...(tls && { tls }) };
}

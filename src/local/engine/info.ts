/**
 * Which engine answers (Docker or Podman), its version and API version — asked only when a
 * message, `sagekit doctor` or an engine-specific request needs it (Podman's `/version` takes
 * about a second, so it is never on a job's hot path unless needed) and cached per client.
 */
import type Docker from 'dockerode';

/** The engine families sagekit knows the differences of. */
export type EngineKind = 'docker' | 'podman';

/** What `/version` says about an engine. */
export interface EngineInfo {
  kind: EngineKind;
  /** The engine's own version, e.g. `20.10.24` or `4.3.1`. */
  version: string;
  /** The Docker Engine API version it speaks, e.g. `1.41`. */
  apiVersion: string;
  os: string;
  arch: string;
}

interface VersionBody {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
  Components?: Array<{ Name?: string; Version?: string }>;
}

/** Reads an engine's `/version` answer (pure, for tests). */
export function parseVersion(body: VersionBody): EngineInfo {
  const podman = body.Components?.find((c) => /podman/i.test(c.Name ?? ''));
  return {
    kind: podman ? 'podman' : 'docker',
    version: podman?.Version ?? body.Version ?? 'unknown',
    apiVersion: body.ApiVersion ?? 'unknown',
    os: body.Os ?? 'unknown',
    arch: body.Arch ?? 'unknown',
  };
}

const cache = new WeakMap<Docker, Promise<EngineInfo>>();

/** The engine's kind and versions (cached per client). */
export function engineInfo(docker: Docker): Promise<EngineInfo> {
  let info = cache.get(docker);
  if (!info) {
    info = docker.version().then((body) => parseVersion(body as VersionBody));
    cache.set(docker, info);
    info.catch(() => cache.delete(docker));
  }
  return info;
}

/** The engine's CLI name for messages (`docker build …` / `podman build …`); `docker` when unknown. */
export async function engineCommand(docker: Docker): Promise<EngineKind> {
  return engineInfo(docker).then(
    (info) => info.kind,
    () => 'docker' as const,
  );
}

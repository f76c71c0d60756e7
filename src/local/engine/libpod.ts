/**
 * Whether an engine is Podman, asked the cheap way: Podman also serves its own (libpod) API
 * beside the Docker-compatible one, so `/libpod/_ping` answers there and is a 404 on Docker.
 * (`/version` would say too, but Podman takes about a second to answer it.)
 */
import type Docker from 'dockerode';

const cache = new WeakMap<Docker, Promise<boolean>>();

/** True when `docker` talks to Podman; false for Docker or when unsure (cached per client). */
export function isLibpod(docker: Docker): Promise<boolean> {
  let answer = cache.get(docker);
  if (!answer) {
    answer = new Promise<boolean>((resolve) => {
      docker.modem.dial({ path: '/libpod/_ping', method: 'GET', statusCodes: { 200: true }, options: {} }, (error: unknown) => resolve(!error));
    });
    cache.set(docker, answer);
  }
  return answer;
}

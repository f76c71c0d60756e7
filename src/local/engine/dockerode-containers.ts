/**
 * {@link ContainerClient} on dockerode: each call is the Docker Engine API call of the same name,
 * with sagekit's options spelled the way the engine takes them.
 */
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { ContainerClient, ContainerInfo, ContainerSpec, ContainerSummary, EngineContainer, OutputStream, PathStat } from './types.js';

/** Docker's label filter for `list` calls. */
export function labelFilters(labels: string[]): string {
  return JSON.stringify({ label: labels });
}

class DockerodeContainer implements EngineContainer {
  constructor(private readonly container: Docker.Container) {}

  get id(): string {
    return this.container.id;
  }

  async start(): Promise<void> {
    await this.container.start();
  }

  async kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    await this.container.kill({ signal });
  }

  async remove(options: { volumes?: boolean } = {}): Promise<void> {
    await this.container.remove({ force: true, ...(options.volumes && { v: true }) });
  }

  inspect(options: { signal?: AbortSignal } = {}): Promise<ContainerInfo> {
    return this.container.inspect(options.signal ? { abortSignal: options.signal } : undefined) as Promise<ContainerInfo>;
  }

  wait(options: { signal?: AbortSignal } = {}): Promise<{ StatusCode: number }> {
    return this.container.wait(options.signal ? { abortSignal: options.signal } : undefined) as Promise<{ StatusCode: number }>;
  }

  async attach(): Promise<OutputStream> {
    return (await this.container.attach({ stream: true, stdout: true, stderr: true })) as unknown as OutputStream;
  }

  async followLogs(): Promise<OutputStream> {
    return (await this.container.logs({ follow: true, stdout: true, stderr: true })) as unknown as OutputStream;
  }

  async readLogs(options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    const logs = this.container.logs({ follow: false, stdout: true, stderr: true, ...(options.signal && { abortSignal: options.signal }) });
    return (await logs) as unknown as Buffer;
  }

  streamLogs(options: { signal?: AbortSignal } = {}): Promise<Readable> {
    // dockerode buffers an unfollowed log whole; asked for directly, the engine's answer stays a stream.
    return new Promise((resolve, reject) => {
      this.container.modem.dial(
        {
          path: `/containers/${this.container.id}/logs?`,
          method: 'GET',
          options: { follow: false, stdout: true, stderr: true },
          isStream: true,
          abortSignal: options.signal,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        },
        (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as Readable)),
      );
    });
  }

  async putArchive(tar: Readable, path: string): Promise<void> {
    await this.container.putArchive(tar, { path });
  }

  getArchive(path: string): Promise<NodeJS.ReadableStream> {
    return this.container.getArchive({ path });
  }

  async statPath(path: string): Promise<PathStat | undefined> {
    try {
      const response = (await this.container.infoArchive({ path })) as unknown as { headers: Record<string, string | undefined>; resume?: () => void };
      response.resume?.();
      const stat = response.headers['x-docker-container-path-stat'];
      if (!stat) return undefined;
      return JSON.parse(Buffer.from(stat, 'base64').toString('utf8')) as PathStat;
    } catch {
      return undefined;
    }
  }
}

/** The containers of one dockerode client. */
export class DockerodeContainers implements ContainerClient {
  constructor(private readonly docker: Docker) {}

  async create(spec: ContainerSpec): Promise<EngineContainer> {
    return new DockerodeContainer(await this.docker.createContainer(spec as Docker.ContainerCreateOptions));
  }

  get(id: string): EngineContainer {
    return new DockerodeContainer(this.docker.getContainer(id));
  }

  async list(labels: string[]): Promise<ContainerSummary[]> {
    const found = await this.docker.listContainers({ all: true, filters: labelFilters(labels) });
    return found.map((info) => ({ id: info.Id, labels: info.Labels }));
  }
}

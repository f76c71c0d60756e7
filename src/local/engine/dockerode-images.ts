/** {@link ImageClient} on dockerode. */
import type Docker from 'dockerode';
import type { BuildOptions, ImageClient, ProgressEvent } from './types.js';

/** The images of one dockerode client. */
export class DockerodeImages implements ImageClient {
  constructor(private readonly docker: Docker) {}

  async exists(name: string): Promise<boolean> {
    try {
      await this.docker.getImage(name).inspect();
      return true;
    } catch {
      return false;
    }
  }

  async remove(name: string): Promise<void> {
    await this.docker.getImage(name).remove({ force: true });
  }

  build(context: NodeJS.ReadableStream, options: BuildOptions): Promise<NodeJS.ReadableStream> {
    const { buildArgs } = options;
    return this.docker.buildImage(context, {
      t: options.tag,
      // Intermediate containers go also when a step fails (Podman keeps `<name>-working-container` otherwise).
      rm: true,
      forcerm: true,
      ...(buildArgs && Object.keys(buildArgs).length ? { buildargs: buildArgs } : {}),
    });
  }

  pull(name: string): Promise<NodeJS.ReadableStream> {
    return this.docker.pull(name);
  }

  followProgress(stream: NodeJS.ReadableStream, onEvent: (event: ProgressEvent) => void): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, output: ProgressEvent[]) => resolve(error?.message ?? output.find((o) => o.error)?.error),
        onEvent,
      );
    });
  }
}

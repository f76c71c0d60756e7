/** {@link Engine} on one dockerode client: the per-resource clients and what the engine says of itself. */
import type Docker from 'dockerode';
import { DockerodeContainers } from './dockerode-containers.js';
import { DockerodeImages } from './dockerode-images.js';
import { DockerodeNetworks } from './dockerode-networks.js';
import { assertGpuSupport } from './gpu.js';
import { engineCommand, engineInfo, type EngineInfo, type EngineKind } from './info.js';
import { isLibpod } from './libpod.js';
import type { Engine } from './types.js';

/** Where an engine answered and how it was found. */
export interface EngineLocation {
  host: string;
  source: string;
  local: boolean;
}

/** An engine reached through dockerode; `docker` is the raw client, for `engine/` and tests only. */
export class DockerodeEngine implements Engine {
  readonly host: string;
  readonly source: string;
  readonly local: boolean;
  readonly containers: DockerodeContainers;
  readonly images: DockerodeImages;
  readonly networks: DockerodeNetworks;

  constructor(
    readonly docker: Docker,
    location: EngineLocation,
  ) {
    this.host = location.host;
    this.source = location.source;
    this.local = location.local;
    this.containers = new DockerodeContainers(docker);
    this.images = new DockerodeImages(docker);
    this.networks = new DockerodeNetworks(docker);
  }

  version(): Promise<EngineInfo> {
    return engineInfo(this.docker);
  }

  isLibpod(): Promise<boolean> {
    return isLibpod(this.docker);
  }

  cliName(): Promise<EngineKind> {
    return engineCommand(this.docker);
  }

  assertGpuSupport(): Promise<EngineKind> {
    return assertGpuSupport(this.docker);
  }
}

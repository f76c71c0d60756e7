/** {@link NetworkClient} on dockerode. */
import type Docker from 'dockerode';
import { labelFilters } from './dockerode-containers.js';
import type { NetworkClient, NetworkSpec, NetworkSummary } from './types.js';

/** The networks of one dockerode client. */
export class DockerodeNetworks implements NetworkClient {
  constructor(private readonly docker: Docker) {}

  async create(spec: NetworkSpec): Promise<{ id: string; remove(): Promise<void> }> {
    const network = await this.docker.createNetwork(spec as Docker.NetworkCreateOptions);
    return { id: network.id, remove: () => network.remove().then(() => undefined) };
  }

  async inspect(name: string): Promise<{ Driver: string; Internal: boolean }> {
    const network = (await this.docker.getNetwork(name).inspect()) as { Driver: string; Internal: boolean };
    return { Driver: network.Driver, Internal: network.Internal };
  }

  async list(labels?: string[]): Promise<NetworkSummary[]> {
    const found = await (labels ? this.docker.listNetworks({ filters: labelFilters(labels) }) : this.docker.listNetworks());
    return found.map((n) => ({ id: n.Id, labels: n.Labels, subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '') }));
  }

  async remove(id: string): Promise<void> {
    await this.docker.getNetwork(id).remove();
  }
}

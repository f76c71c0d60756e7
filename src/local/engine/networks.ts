/**
 * Job networks on the engine: a bridge network with an explicit subnet chosen by
 * {@link candidateSubnets}, so the hosts can have fixed addresses on Docker and Podman alike.
 */
import type Docker from 'dockerode';
import { candidateSubnets, isSubnetConflict, localInterfaceSubnets, subnetAddresses } from '../network-plan.js';

/** What {@link createJobNetwork} needs to know. */
export interface JobNetworkSpec {
  name: string;
  labels: Record<string, string>;
  /** No route out (network isolation). */
  internal: boolean;
  /** How many containers get an address. */
  hosts: number;
}

/** A created job network. */
export interface JobNetwork {
  name: string;
  /** Fixed address of each host, in host order. */
  addresses: string[];
  remove(): Promise<void>;
}

/** How many subnets to try when concurrent jobs keep taking the chosen one. */
const ATTEMPTS = 8;

async function usedSubnets(docker: Docker): Promise<string[]> {
  const networks = await docker.listNetworks();
  const engine = networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')).filter((s) => s.includes('.'));
  return [...engine, ...localInterfaceSubnets()];
}

/** The `createNetwork` body of a job network on `subnet` (pure, for tests). */
export function networkSpec(spec: JobNetworkSpec, subnet: string): Docker.NetworkCreateOptions {
  return {
    Name: spec.name,
    Driver: 'bridge',
    Internal: spec.internal,
    CheckDuplicate: true,
    Labels: spec.labels,
    IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: subnetAddresses(subnet, spec.hosts).gateway }] },
  };
}

/**
 * Creates the network on a free subnet. Another process may create a network on the same
 * subnet between our look and our create; the engine then refuses and the next one is tried.
 */
export async function createJobNetwork(docker: Docker, spec: JobNetworkSpec): Promise<JobNetwork> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const offset = Math.floor(Math.random() * 256);
    const subnet = candidateSubnets(await usedSubnets(docker), spec.hosts, offset)[0];
    if (!subnet) throw new Error('no free subnet left in 10.213.0.0/16 for a job network; remove unused networks (docker network prune)');
    try {
      const network = await docker.createNetwork(networkSpec(spec, subnet));
      return {
        name: spec.name,
        addresses: subnetAddresses(subnet, spec.hosts).hosts,
        remove: () => network.remove().then(() => undefined),
      };
    } catch (error) {
      if (!isSubnetConflict(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * The engine's default bridge network (`podman` on Podman, `bridge` on Docker), when it has
 * one. A one-host job needs no network of its own: there is no other host to resolve, and every
 * engine writes the container's own name into its hosts file. Joining the default network saves
 * creating and removing one, and the DNS server a user-defined network starts (aardvark-dns on
 * Podman, the embedded DNS on Docker) — what a bare `podman run` / `docker run` does too.
 */
export async function defaultBridge(docker: Docker, podman: boolean): Promise<string | undefined> {
  const name = podman ? 'podman' : 'bridge';
  try {
    const network = await docker.getNetwork(name).inspect();
    return network.Driver === 'bridge' && !network.Internal ? name : undefined;
  } catch {
    return undefined; // none (Docker started with --bridge=none), or the engine does not say
  }
}

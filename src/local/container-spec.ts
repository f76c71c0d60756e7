/**
 * The `createContainer` body of one training host (pure, unit-tested): image and command, the
 * host name and its fixed address on the job network, the other hosts in its hosts file, bind
 * mounts, labels, and GPUs the way each engine takes them.
 */
import type Docker from 'dockerode';
import type { EngineKind } from './engine/info.js';

/** A bind mount of a host path into the container. */
export interface Bind {
  source: string;
  target: string;
  readOnly?: boolean;
}

/** Everything {@link containerSpec} needs to know about one host. */
export interface HostContainerInput {
  /** Engine-wide unique container name. */
  name: string;
  image: string;
  /** This host's name (`algo-i`) and index in `hostNames`. */
  hostName: string;
  hostIndex: number;
  hostNames: string[];
  /** Network name, or `none` (an isolated one-host job). */
  network: string;
  /** The engine's default network (networks.ts defaultBridge): no aliases there, Docker refuses them. */
  defaultNetwork?: boolean;
  /** Fixed address of each host on the network, in host order (absent without a network). */
  addresses?: string[];
  env: string[];
  binds: Bind[];
  labels: Record<string, string>;
  /** Give the container every GPU, in the way this engine kind takes it. */
  gpu?: EngineKind;
  /** The container's command (default `train`, as SageMaker runs it). */
  cmd?: string[];
  /** Replaces the image's entrypoint when given. */
  entrypoint?: string[];
}

/** GPU access: Docker's device requests (nvidia-container-toolkit), Podman's CDI device names. */
export function gpuHostConfig(kind: EngineKind): Partial<Docker.HostConfig> {
  if (kind === 'podman') return { Devices: [{ PathOnHost: 'nvidia.com/gpu=all', PathInContainer: '', CgroupPermissions: '' }] };
  return { DeviceRequests: [{ Driver: '', Count: -1, Capabilities: [['gpu']], DeviceIDs: [], Options: {} }] };
}

function bindText(bind: Bind): string {
  return `${bind.source}:${bind.target}${bind.readOnly ? ':ro' : ''}`;
}

/** The create request of one host's container. */
export function containerSpec(input: HostContainerInput): Docker.ContainerCreateOptions {
  const { addresses, network } = input;
  return {
    name: input.name,
    Image: input.image,
    Cmd: input.cmd ?? ['train'],
    ...(input.entrypoint && { Entrypoint: input.entrypoint }),
    Hostname: input.hostName,
    Env: input.env,
    Labels: input.labels,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      Binds: input.binds.map(bindText),
      NetworkMode: network,
      // The others' names: every engine writes the container's own name into its hosts file.
      ...(addresses && { ExtraHosts: input.hostNames.flatMap((h, i) => (i === input.hostIndex ? [] : [`${h}:${addresses[i]}`])) }),
      ...(input.gpu && gpuHostConfig(input.gpu)),
    },
    ...(network !== 'none' &&
      !input.defaultNetwork && {
        NetworkingConfig: {
          EndpointsConfig: {
            [network]: { Aliases: [input.hostName], ...(addresses && { IPAMConfig: { IPv4Address: addresses[input.hostIndex]! } }) },
          },
        },
      }),
  };
}

/**
 * The container engine as the rest of sagekit sees it: narrow per-resource clients
 * (`containers`, `images`, `networks`) with sagekit's own types. Only `engine/` knows the
 * client library behind them (dockerode, see `dockerode-*.ts`); request bodies keep the Docker
 * Engine API's own field names, so they go to the engine unchanged.
 */
import type { Readable } from 'node:stream';
import type { EngineInfo, EngineKind } from './info.js';

/** A bind mount of a host path into a container. */
export interface Bind {
  source: string;
  target: string;
  readOnly?: boolean;
}

/** A Docker-style device request (GPUs through nvidia-container-toolkit). */
interface DeviceRequest {
  Driver?: string;
  Count?: number;
  Capabilities?: string[][];
  DeviceIDs?: string[];
  Options?: Record<string, string>;
}

/** The part of a container's host config sagekit sets. */
export interface HostConfigSpec {
  Binds?: string[];
  NetworkMode?: string;
  ExtraHosts?: string[];
  /** Podman's CDI devices (`nvidia.com/gpu=all`). */
  Devices?: Array<{ PathOnHost: string; PathInContainer: string; CgroupPermissions: string }>;
  DeviceRequests?: DeviceRequest[];
  PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
}

/** The `POST /containers/create` body (with its `name`), as far as sagekit fills it in. */
export interface ContainerSpec {
  name?: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Hostname?: string;
  User?: string;
  Env?: string[];
  Labels?: Record<string, string>;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  HostConfig?: HostConfigSpec;
  NetworkingConfig?: { EndpointsConfig?: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } }> };
}

/** The `POST /networks/create` body, as far as sagekit fills it in. */
export interface NetworkSpec {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  CheckDuplicate?: boolean;
  Labels?: Record<string, string>;
  IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; Gateway?: string }> };
}

/** What `inspect` says of a container, as far as sagekit reads it. */
export interface ContainerInfo {
  Name: string;
  State: { Status: string; Running: boolean; ExitCode: number; FinishedAt: string };
  Config?: { Env?: string[] };
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null | undefined>;
    Networks?: Record<string, { IPAddress?: string } | undefined>;
  };
}

/** A container's multiplexed output stream (split it with `demuxOutput` of `engine/demux.ts`). */
export type OutputStream = NodeJS.ReadableStream & { destroy?: () => void };

/** Stat of a path inside a container (the archive endpoint's `X-Docker-Container-Path-Stat`). */
export interface PathStat {
  mode?: number;
  isDir?: boolean;
}

/** One created container. */
export interface EngineContainer {
  readonly id: string;
  start(): Promise<void>;
  kill(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Removes it even while it runs; `volumes` also removes its anonymous volumes. */
  remove(options?: { volumes?: boolean }): Promise<void>;
  inspect(options?: { signal?: AbortSignal }): Promise<ContainerInfo>;
  /** The engine's wait: resolves with the exit status once the container has exited. */
  wait(options?: { signal?: AbortSignal }): Promise<{ StatusCode: number }>;
  /** Its output from the first byte, attached (before the start: nothing is missed). */
  attach(): Promise<OutputStream>;
  /** Its logs followed: everything printed so far, then what comes, ending with the container. */
  followLogs(): Promise<OutputStream>;
  /** Its whole log so far at once (multiplexed frames). */
  readLogs(options?: { signal?: AbortSignal }): Promise<Buffer>;
  /** Its whole log so far as a stream (multiplexed frames), not followed: memory stays flat however long it is. */
  streamLogs(options?: { signal?: AbortSignal }): Promise<Readable>;
  /** Unpacks a tar into the container's file system at `path`. */
  putArchive(tar: Readable, path: string): Promise<void>;
  /** A tar of `path` in the container (rejects with `statusCode` 404 when there is none). */
  getArchive(path: string): Promise<NodeJS.ReadableStream>;
  /** Mode bits of a path, undefined when it is not there or the engine cannot say. */
  statPath(path: string): Promise<PathStat | undefined>;
}

/** A container listed by label. */
export interface ContainerSummary {
  id: string;
  labels: Record<string, string> | undefined;
}

/** Containers: create and find by label. */
export interface ContainerClient {
  create(spec: ContainerSpec): Promise<EngineContainer>;
  /** A handle on an existing container (nothing is asked of the engine). */
  get(id: string): EngineContainer;
  /** Every container (running or not) carrying all of `labels` (`key=value` or `key`). */
  list(labels: string[]): Promise<ContainerSummary[]>;
}

/** One line of a build's or a pull's progress stream. */
export interface ProgressEvent {
  stream?: string;
  status?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  progressDetail?: { current?: number; total?: number };
}

/** Options of {@link ImageClient.build}. */
export interface BuildOptions {
  tag: string;
  buildArgs?: Record<string, string>;
}

/** Images: present or not, build, pull, remove. */
export interface ImageClient {
  exists(name: string): Promise<boolean>;
  /** Removes an image (forced). */
  remove(name: string): Promise<void>;
  /** Starts a build from a tar of its context; the progress stream says how it goes. */
  build(context: NodeJS.ReadableStream, options: BuildOptions): Promise<NodeJS.ReadableStream>;
  /** Starts a pull; the progress stream says how it goes. */
  pull(name: string): Promise<NodeJS.ReadableStream>;
  /** Reads a progress stream to its end; resolves with the failure it reported, if any. */
  followProgress(stream: NodeJS.ReadableStream, onEvent: (event: ProgressEvent) => void): Promise<string | undefined>;
}

/** A network listed by label (or all of them). */
export interface NetworkSummary {
  id: string;
  labels: Record<string, string> | undefined;
  /** Subnets of its IPAM configuration. */
  subnets: string[];
}

/** Networks: create, inspect, list, remove. */
export interface NetworkClient {
  create(spec: NetworkSpec): Promise<{ id: string; remove(): Promise<void> }>;
  /** A network's driver and whether it is internal (rejects when there is no such network). */
  inspect(name: string): Promise<{ Driver: string; Internal: boolean }>;
  /** Networks carrying all of `labels`; every network without them. */
  list(labels?: string[]): Promise<NetworkSummary[]>;
  remove(id: string): Promise<void>;
}

/** A connected container engine (Docker or Podman through the Docker Engine API). */
export interface Engine {
  /** Where it answered, e.g. `unix:///run/podman/podman.sock`. */
  readonly host: string;
  /** How it was found, e.g. `DOCKER_HOST`, `Podman`, `Docker context "remote"`. */
  readonly source: string;
  /** On this machine (a socket), so bind mounts name this machine's files. */
  readonly local: boolean;
  readonly containers: ContainerClient;
  readonly images: ImageClient;
  readonly networks: NetworkClient;
  /** Its kind and versions (`/version`, slow on Podman: asked only when needed, cached). */
  version(): Promise<EngineInfo>;
  /** Whether it is Podman, asked the cheap way (cached). */
  isLibpod(): Promise<boolean>;
  /** Its CLI's name for messages (`docker` when unknown). */
  cliName(): Promise<EngineKind>;
  /** The engine kind whose way of passing GPUs applies; throws (exit 3) when it has none to give. */
  assertGpuSupport(): Promise<EngineKind>;
}

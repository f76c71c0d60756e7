/**
 * The local endpoint record, like a job's (../record.ts): what `endpoints describe|list|delete`,
 * `invoke` and a Predictor read from any process. Layout under the state directory:
 *
 *   endpoints/<name>/describe.json  DescribeEndpoint document + `Local` (url, pid, instances), atomic writes
 *   endpoints/<name>/owner.json     {pid, startTime} of the endpoint process (who may be signalled)
 *   endpoints/<name>/deploy.json    the deploy requests the endpoint was created from
 *   endpoints/<name>/logs.jsonl     one {host, timestamp, message, stream} per line (instance-1 … N)
 *   endpoints/<name>/server.log     the endpoint process's own stderr
 *   endpoints/<name>/model/         model.tar.gz extracted, mounted as /opt/ml/model
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CreateEndpointConfigInput, CreateEndpointInput, CreateModelInput, DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { UsageError } from '../../errors.js';
import type { ProcessIdentity } from '../../util/process-identity.js';
import { listFolders, readIfExists, writeAtomic } from '../record.js';

/** Settings of a local endpoint that have no place in the requests. */
export interface LocalEndpointSettings {
  stateDir?: string;
  engineHost?: string;
  pull?: 'missing' | 'always' | 'never';
}

/**
 * The requests of one deployment, in call order (the shape of deploy/'s `DeployRequests`,
 * declared here so the local backend does not import the layer above it).
 */
interface EndpointRequests {
  CreateModel: CreateModelInput;
  CreateEndpointConfig: CreateEndpointConfigInput;
  CreateEndpoint: CreateEndpointInput;
}

/** Bounds of one invocation (SageMaker's real-time endpoints: 60 s and 6 MB). */
export interface InvocationLimits {
  /** Seconds the model has to answer an invocation; also how long a delete lets requests finish. */
  timeoutSeconds: number;
  /** Largest request body accepted, in bytes. */
  maxPayloadBytes: number;
}

/** SageMaker's invocation limits: the model answers within 60 s, payloads up to 6 MB. */
export const DEFAULT_INVOCATION_LIMITS: InvocationLimits = { timeoutSeconds: 60, maxPayloadBytes: 6 * 1024 * 1024 };

/** What the deploying process hands to the endpoint process. */
export interface EndpointJob {
  requests: EndpointRequests;
  region?: string;
  settings: LocalEndpointSettings;
  /** Invocation limits; each defaults to {@link DEFAULT_INVOCATION_LIMITS}. */
  limits?: Partial<InvocationLimits>;
}

/** SageMaker's default start-up health-check timeout (the Python SDK's local mode uses a fixed 120 s). */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS = 300;
/** What a local endpoint adds to the DescribeEndpoint document. */
export interface LocalEndpointInfo {
  /** `http://127.0.0.1:<port>`: POST /invocations, GET /ping (the endpoint's front proxy). */
  Url?: string;
  /** PID of the process that owns the containers and the proxy. */
  Pid: number;
  /** What the endpoint process is doing (e.g. `waiting for GET /ping`), shown while deploying. */
  Stage?: string;
  /** Every stage so far, in order (so a deploying process polling the record misses none). */
  Stages?: string[];
  /** Each instance: its container, where the proxy reaches its port 8080, whether it answers /ping. */
  Instances: Array<{ Name: string; ContainerId?: string; Address?: string; Healthy?: boolean }>;
  /** The invocation limits the proxy enforces. */
  Limits?: InvocationLimits;
}

/** A local endpoint's describe document. */
export type LocalEndpointDescribe = DescribeEndpointOutput & { Local: LocalEndpointInfo };

/** Paths of one endpoint's record. */
export class EndpointPaths {
  readonly dir: string;
  constructor(
    stateDir: string,
    readonly name: string,
  ) {
    this.dir = path.join(stateDir, 'endpoints', name);
  }
  get describe(): string {
    return path.join(this.dir, 'describe.json');
  }
  get owner(): string {
    return path.join(this.dir, 'owner.json');
  }
  get deploy(): string {
    return path.join(this.dir, 'deploy.json');
  }
  get logs(): string {
    return path.join(this.dir, 'logs.jsonl');
  }
  get serverLog(): string {
    return path.join(this.dir, 'server.log');
  }
  get model(): string {
    return path.join(this.dir, 'model');
  }
}

/** Reads an endpoint's describe document (dates revived), or undefined when there is no record. */
export async function readEndpointDescribe(paths: EndpointPaths): Promise<LocalEndpointDescribe | undefined> {
  const text = await readIfExists(paths.describe);
  if (text === undefined) return undefined;
  const doc = JSON.parse(text) as LocalEndpointDescribe & Record<string, unknown>;
  for (const field of ['CreationTime', 'LastModifiedTime'] as const) {
    if (typeof doc[field] === 'string') doc[field] = new Date(doc[field]);
  }
  return doc;
}

/** Saves an endpoint's describe document. */
export function writeEndpointDescribe(paths: EndpointPaths, doc: LocalEndpointDescribe): Promise<void> {
  return writeAtomic(paths.describe, `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Claims the endpoint's name: its record folder is made with a plain `mkdir` (no `recursive`),
 * which exactly one of several deploys of the same name at once can win. A UsageError (exit 2,
 * like a training job's name) when the name is taken.
 */
export async function claimEndpointName(paths: EndpointPaths): Promise<void> {
  await mkdir(path.dirname(paths.dir), { recursive: true });
  try {
    await mkdir(paths.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new UsageError(
      `a local endpoint named ${paths.name} already exists`,
      `choose another --endpoint-name, or remove it: sagekit endpoints delete ${paths.name}`,
    );
  }
}

/** The recorded endpoint process, or undefined when none is recorded (yet). */
export async function readEndpointOwner(paths: EndpointPaths): Promise<ProcessIdentity | undefined> {
  const text = await readIfExists(paths.owner).catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const owner = JSON.parse(text) as ProcessIdentity;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Records the endpoint process (written by the deploying process and again by the endpoint process itself). */
export function writeEndpointOwner(paths: EndpointPaths, owner: ProcessIdentity): Promise<void> {
  return writeAtomic(paths.owner, `${JSON.stringify(owner)}\n`);
}

/** Names of every recorded endpoint. */
export function listEndpointNames(stateDir: string): Promise<string[]> {
  return listFolders(path.join(stateDir, 'endpoints'));
}

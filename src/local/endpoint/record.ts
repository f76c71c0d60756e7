/**
 * The local endpoint record, like a job's (../record.ts): what `endpoints describe|list|delete`,
 * `invoke` and a Predictor read from any process. Layout under the state directory:
 *
 *   endpoints/<name>/describe.json  DescribeEndpoint document + `Local` (url, pid, instances), atomic writes
 *   endpoints/<name>/deploy.json    the deploy requests the endpoint was created from
 *   endpoints/<name>/logs.jsonl     one {host, timestamp, message, stream} per line (instance-1 … N)
 *   endpoints/<name>/server.log     the endpoint process's own stderr
 *   endpoints/<name>/model/         model.tar.gz extracted, mounted as /opt/ml/model
 */
import path from 'node:path';
import type { CreateEndpointConfigInput, CreateEndpointInput, CreateModelInput, DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
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

/** What the deploying process hands to the endpoint process. */
export interface EndpointJob {
  requests: EndpointRequests;
  region?: string;
  settings: LocalEndpointSettings;
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
  /** Each instance: its container and where the proxy reaches its port 8080. */
  Instances: Array<{ Name: string; ContainerId?: string; Address?: string }>;
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

/** Names of every recorded endpoint. */
export function listEndpointNames(stateDir: string): Promise<string[]> {
  return listFolders(path.join(stateDir, 'endpoints'));
}

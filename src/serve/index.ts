/**
 * `startServe`: a SageMaker-compatible endpoint on this machine. CreateTrainingJob requests
 * run on the local backend; CloudWatch Logs, S3 and STS answer on the same port, so unchanged
 * AWS clients (CLI, boto3, the Python SDK, the JS SDK, Terraform) train here when their
 * endpoint URL points at it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveStateDir } from '../local/record.js';
import type { GuardOptions } from '../util/http-guard.js';
import { resolveAccountId } from './account.js';
import { LogsService } from './logs-service.js';
import { openS3Store } from './s3-store.js';
import { createServeHandler } from './server.js';
import { TrainingJobService } from './training-jobs.js';

/** Settings of {@link startServe}. */
export interface ServeOptions {
  /** Port to listen on; 0 picks a free one (default 0). */
  port?: number;
  /** Address to bind (default 127.0.0.1: the endpoint checks no signatures). */
  host?: string;
  /** Where job records (and the embedded store's data, under `s3/`) live. */
  stateDir?: string;
  /** An existing S3-compatible store instead of the embedded one. */
  s3Endpoint?: string;
  /** Let only requests signed with this access key id in. */
  accessKeyId?: string;
  /** Region of requests whose signature names none (default $AWS_REGION, else us-east-1); a signed request's own region is used as AWS does. */
  region?: string;
  /** Account id in ARNs and GetCallerIdentity (12 digits); default: one drawn once and kept in the state dir. */
  accountId?: string;
  /** Names besides 127.0.0.1/localhost that clients may use in the Host header (e.g. this machine's name under `host: '0.0.0.0'`). */
  allowedHosts?: string[];
  engineHost?: string;
  /** Seconds between SIGTERM and SIGKILL when a job is stopped (default 120, as SageMaker). */
  stopGracePeriodSeconds?: number;
  /** Operator messages (default: none). */
  log?: (line: string) => void;
}

/** A running endpoint. */
export interface ServeHandle {
  /** `http://host:port` to give clients as their endpoint URL. */
  url: string;
  /** Where the jobs' S3 traffic goes. */
  s3Endpoint: string;
  stateDir: string;
  /** The account id in every ARN this endpoint answers. */
  accountId: string;
  /** Names of the jobs this endpoint runs now. */
  runningJobs(): string[];
  /** Stops the running jobs (they end Stopped, artifacts saved), then the server and the store; called again, kills the jobs. */
  close(): Promise<void>;
}

/**
 * Points this process's S3 client at the store: the local backend reads and writes `s3://`
 * through the standard AWS configuration. The embedded store is reached through serve's own
 * port, like any client, with the one key serve lets in.
 */
function useStoreForJobs(endpoint: string, embedded: boolean, accessKeyId: string | undefined): void {
  process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  if (embedded) {
    process.env.AWS_ACCESS_KEY_ID = accessKeyId ?? 'sagekit-serve';
    process.env.AWS_SECRET_ACCESS_KEY = 'sagekit-serve';
    delete process.env.AWS_SESSION_TOKEN;
  }
}

/**
 * The bound address as a Host name clients may use, when it is a specific one: `--host
 * 192.168.1.5` is reached as 192.168.1.5:<port>. A wildcard (0.0.0.0, ::) names no host; the
 * names clients use then come from `allowedHosts`.
 */
function boundName(host: string | undefined): string[] {
  if (!host || host === '0.0.0.0' || host === '::') return [];
  return [host.includes(':') && !host.startsWith('[') ? `[${host}]` : host];
}

/**
 * Removes what killed sagekit processes (a serve killed mid-job among them) left on the engine,
 * before new jobs start; a missing engine is no reason not to serve.
 */
async function removeLeftovers(engineHost: string | undefined, log: (line: string) => void): Promise<void> {
  const { cleanupLeftovers } = await import('../local/index.js');
  const removed = await cleanupLeftovers(engineHost ? { engineHost } : {}).catch(() => 0);
  if (removed > 0) log(`removed ${removed} containers and networks of jobs whose sagekit process had ended`);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/** Starts the endpoint. */
export async function startServe(options: ServeOptions = {}): Promise<ServeHandle> {
  const log = options.log ?? (() => undefined);
  const stateDir = resolveStateDir(options.stateDir);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const accountId = await resolveAccountId(stateDir, options.accountId);
  await removeLeftovers(options.engineHost, log);
  const store = await openS3Store(stateDir, options.s3Endpoint, log);
  const training = new TrainingJobService({
    stateDir,
    log,
    ...(options.engineHost && { engineHost: options.engineHost }),
    ...(options.stopGracePeriodSeconds !== undefined && { stopGracePeriodSeconds: options.stopGracePeriodSeconds }),
  });
  const logs = new LogsService(stateDir);
  let port = 0;
  const guard: GuardOptions = { allowedHosts: [...(options.allowedHosts ?? []), ...boundName(options.host)] };
  const server = createServer(
    createServeHandler({
      json: { SageMaker: training.operations(), Logs_20140328: logs.operations() },
      store,
      ...(options.accessKeyId && { accessKeyId: options.accessKeyId }),
      region,
      accountId,
      port: () => port,
      guard,
      log,
    }),
  );
  let address: AddressInfo;
  try {
    address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await store.close();
    throw error;
  }
  port = address.port;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The jobs reach the embedded store through serve's port; on a wildcard address, through loopback.
  if (store.embedded) store.endpoint = `http://${/^(0\.0\.0\.0|\[::\])$/.test(host) ? '127.0.0.1' : host}:${port}`;
  useStoreForJobs(store.endpoint, store.embedded, options.accessKeyId);
  return {
    url: `http://${host}:${address.port}`,
    s3Endpoint: store.endpoint,
    stateDir,
    accountId,
    runningJobs: () => training.runningJobs(),
    close: closeOnce(training, server, store),
  };
}

/** serve's close: stops the jobs, then the server and the store; a second call stops the jobs again, which kills them at once. */
function closeOnce(training: TrainingJobService, server: Server, store: { close(): Promise<void> }): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await training.shutdown();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.close();
  };
  return async () => {
    if (closing) {
      await training.shutdown();
      return closing;
    }
    closing = close();
    return closing;
  };
}

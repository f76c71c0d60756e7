/**
 * `startServe`: a SageMaker-compatible endpoint on this machine. CreateTrainingJob requests
 * run on the local backend; CloudWatch Logs, S3 and STS answer on the same port, so unchanged
 * AWS clients (CLI, boto3, the Python SDK, the JS SDK, Terraform) train here when their
 * endpoint URL points at it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveStateDir } from '../local/record.js';
import { LogsService } from './logs-service.js';
import { EMBEDDED_S3_CREDENTIALS, openS3Store } from './s3-store.js';
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
  /** An existing S3-compatible store instead of the embedded s3rver. */
  s3Endpoint?: string;
  /** Let only requests signed with this access key id in. */
  accessKeyId?: string;
  /** Region reported in ARNs (default $AWS_REGION, else us-east-1). */
  region?: string;
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
  /** Names of the jobs this endpoint runs now. */
  runningJobs(): string[];
  /** Stops the running jobs (they end Stopped, artifacts saved), then the server and the store; called again, kills the jobs. */
  close(): Promise<void>;
}

/**
 * Points this process's S3 client at the store: the local backend reads and writes `s3://`
 * through the standard AWS configuration. The embedded s3rver knows only its own fixed key.
 */
function useStoreForJobs(endpoint: string, embedded: boolean): void {
  process.env.AWS_ENDPOINT_URL_S3 = endpoint;
  if (embedded) {
    process.env.AWS_ACCESS_KEY_ID = EMBEDDED_S3_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMBEDDED_S3_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
  }
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
  const store = await openS3Store(stateDir, options.s3Endpoint);
  useStoreForJobs(store.endpoint, store.embedded);
  const training = new TrainingJobService({
    stateDir,
    region,
    log,
    ...(options.engineHost && { engineHost: options.engineHost }),
    ...(options.stopGracePeriodSeconds !== undefined && { stopGracePeriodSeconds: options.stopGracePeriodSeconds }),
  });
  const logs = new LogsService(stateDir, region);
  const server = createServer(
    createServeHandler({
      json: { SageMaker: training.operations(), Logs_20140328: logs.operations() },
      store,
      ...(options.accessKeyId && { accessKeyId: options.accessKeyId }),
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
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    await training.shutdown();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.close();
  };
  return {
    url: `http://${host}:${address.port}`,
    s3Endpoint: store.endpoint,
    stateDir,
    runningJobs: () => training.runningJobs(),
    async close() {
      // A second call stops the jobs again, which kills them at once; the first call finishes the rest.
      if (closing) {
        await training.shutdown();
        return closing;
      }
      closing = close();
      return closing;
    },
  };
}

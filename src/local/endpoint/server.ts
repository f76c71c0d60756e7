/**
 * The owner of one local endpoint — run in a detached `sagekit _serve-endpoint` process so the
 * endpoint outlives the command (or script) that deployed it. It gets the image, extracts the
 * model, starts the instances, waits for their health checks, then serves the front proxy and
 * keeps the record up to date until it is told to stop (SIGTERM from `endpoints delete`), when
 * it removes its containers, network and record. A failed start leaves a Failed record (with
 * the reason and the last log lines) and no container.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import { JobEvents, type LogLine } from '../../events.js';
import { connectEngine } from '../engine/connect.js';
import { ensureImage } from '../image.js';
import { cleanupLeftovers } from '../leftovers.js';
import { LOCAL_ACCOUNT_ID } from '../status.js';
import { EndpointContainers, type InstanceSpec } from './containers.js';
import { waitHealthy } from './health.js';
import { InstancePool } from './instance-pool.js';
import { fetchModel } from './model-data.js';
import { startProxy, type EndpointProxy } from './proxy.js';
import { keepLast } from '../../util/keep-last.js';
import { identify } from '../../util/process-identity.js';
import {
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  DEFAULT_INVOCATION_LIMITS,
  EndpointPaths,
  writeEndpointDescribe,
  writeEndpointOwner,
  type EndpointJob,
  type InvocationLimits,
  type LocalEndpointDescribe,
  type LocalEndpointInfo,
} from './record.js';

export type { EndpointJob } from './record.js';

const FAILURE_REASON_MAX = 1024;

/** `arn:aws:sagemaker:<region|local>:000000000000:endpoint/<name>`, shaped like a real one. */
function localEndpointArn(name: string, region: string | undefined): string {
  return `arn:aws:sagemaker:${region ?? 'local'}:${LOCAL_ACCOUNT_ID}:endpoint/${name.toLowerCase()}`;
}

/** The first describe document: Creating. */
function initialEndpointDescribe(job: EndpointJob, now: Date): LocalEndpointDescribe {
  const { CreateEndpoint, CreateEndpointConfig, CreateModel } = job.requests;
  const variant = CreateEndpointConfig.ProductionVariants![0]!;
  return {
    EndpointName: CreateEndpoint.EndpointName,
    EndpointArn: localEndpointArn(CreateEndpoint.EndpointName!, job.region),
    EndpointConfigName: CreateEndpoint.EndpointConfigName,
    ProductionVariants: [
      {
        VariantName: variant.VariantName,
        CurrentWeight: 1,
        DesiredWeight: 1,
        CurrentInstanceCount: 0,
        DesiredInstanceCount: variant.InitialInstanceCount,
        DeployedImages: [{ SpecifiedImage: CreateModel.PrimaryContainer?.Image }],
      },
    ],
    EndpointStatus: 'Creating',
    CreationTime: now,
    LastModifiedTime: now,
    Local: { Pid: process.pid, Instances: [], Stage: 'starting', Stages: ['starting'], Limits: limitsOf(job) },
  };
}

/** The job's invocation limits, SageMaker's where not given. */
function limitsOf(job: EndpointJob): InvocationLimits {
  return { ...DEFAULT_INVOCATION_LIMITS, ...job.limits };
}

type Save = (changes: Partial<DescribeEndpointOutput>, local?: Partial<LocalEndpointInfo>) => Promise<void>;

/** The endpoint's describe document and its saves, written one at a time in call order. */
function endpointRecord(job: EndpointJob, paths: EndpointPaths): { save: Save } {
  let doc = initialEndpointDescribe(job, new Date());
  let written: Promise<unknown> = Promise.resolve();
  const save: Save = (changes, local = {}) => {
    const stages = local.Stage ? [...(doc.Local.Stages ?? []), local.Stage] : doc.Local.Stages;
    doc = { ...doc, ...changes, LastModifiedTime: new Date(), Local: { ...doc.Local, ...local, ...(stages && { Stages: stages }) } };
    const snapshot = doc;
    const write = written.then(() => writeEndpointDescribe(paths, snapshot));
    written = write.catch(() => undefined);
    return write;
  };
  return { save };
}

/** The endpoint's log: every instance's lines to logs.jsonl, the last few kept for a failure reason. */
function endpointLog(paths: EndpointPaths): { onLine: (line: LogLine) => void; lastLines: string[]; close: () => Promise<void> } {
  const file = createWriteStream(paths.logs, { flags: 'a' });
  const lastLines: string[] = [];
  return {
    onLine: (line) => {
      file.write(`${JSON.stringify(line)}\n`);
      keepLast(lastLines, `${line.host}: ${line.message}`);
    },
    lastLines,
    close: () => new Promise<void>((resolve) => file.end(() => resolve())),
  };
}

/** What a started endpoint runs. */
interface Served {
  proxy: EndpointProxy;
  pool: InstancePool;
}

/** Runs the endpoint until `stopped` resolves. Resolves when it is gone (or failed). */
export async function serveEndpoint(job: EndpointJob, stopped: Promise<void>): Promise<'failed' | 'deleted'> {
  const { requests } = job;
  const paths = new EndpointPaths(job.settings.stateDir!, requests.CreateEndpoint.EndpointName!);
  // Who may be signalled (deploy wrote the same already; a record edited since is put right).
  await writeEndpointOwner(paths, await identify());
  const { save } = endpointRecord(job, paths);
  await save({});
  const log = endpointLog(paths);
  let containers: EndpointContainers | undefined;
  let served: Served;
  // A delete while starting (Ctrl-C of deploy, endpoints delete) ends the health checks at once.
  const startup = new AbortController();
  let deleteRequested = false;
  void stopped.then(() => {
    deleteRequested = true;
    startup.abort();
  });
  try {
    const engine = await connectEngine(job.settings.engineHost);
    containers = new EndpointContainers(engine, instanceSpec(job, paths), log.onLine);
    await cleanupLeftovers(engine).catch(() => undefined);
    const image = requests.CreateModel.PrimaryContainer!.Image!;
    await save({}, { Stage: `getting image ${image}` });
    const events = new JobEvents();
    events.on('info', (message) => process.stderr.write(`${message}\n`));
    await ensureImage(engine, image, { ...(job.settings.pull && { pull: job.settings.pull }), events });
    await save({}, { Stage: 'extracting the model into /opt/ml/model' });
    await fetchModel(requests.CreateModel.PrimaryContainer!.ModelDataUrl!, paths.model, job.region);
    served = await startInstances(job, containers, log.onLine, save, startup.signal);
  } catch (error) {
    await containers?.remove();
    await log.close();
    if (deleteRequested) {
      await rm(paths.dir, { recursive: true, force: true });
      return 'deleted';
    }
    const tail = log.lastLines.length ? `; last log lines:\n${log.lastLines.slice(-10).join('\n')}` : '';
    await save({ EndpointStatus: 'Failed', FailureReason: `${(error as Error).message}${tail}`.slice(0, FAILURE_REASON_MAX) }, { Stage: 'failed' });
    return 'failed';
  }
  await stopped;
  // No replacement starts any more; requests in flight get their answers before the containers go.
  await served.pool.stop();
  await save({ EndpointStatus: 'Deleting' }, { Stage: 'deleting' });
  await served.proxy.close();
  await containers.remove();
  await log.close();
  await rm(paths.dir, { recursive: true, force: true });
  return 'deleted';
}

/** What each instance runs. */
function instanceSpec(job: EndpointJob, paths: EndpointPaths): InstanceSpec {
  const { CreateModel, CreateEndpointConfig, CreateEndpoint } = job.requests;
  const variant = CreateEndpointConfig.ProductionVariants![0]!;
  const env = Object.entries({
    ...CreateModel.PrimaryContainer!.Environment,
    ...(job.region && { AWS_REGION: job.region, AWS_DEFAULT_REGION: job.region }),
  }).map(([k, v]) => `${k}=${v}`);
  return {
    endpointName: CreateEndpoint.EndpointName!,
    image: CreateModel.PrimaryContainer!.Image!,
    env,
    modelDir: paths.model,
    count: variant.InitialInstanceCount ?? 1,
    gpu: variant.InstanceType === ('local_gpu' as never),
  };
}

async function startInstances(
  job: EndpointJob,
  containers: EndpointContainers,
  onLine: (line: LogLine) => void,
  save: Save,
  signal: AbortSignal,
): Promise<Served> {
  const variant = job.requests.CreateEndpointConfig.ProductionVariants![0]!;
  const count = variant.InitialInstanceCount ?? 1;
  await save({}, { Stage: `starting ${count} container${count === 1 ? '' : 's'} (serve)` });
  const instances = await containers.start();
  const described = instances.map((i) => ({ Name: i.name, ContainerId: i.container.id, Address: i.address }));
  const timeout = variant.ContainerStartupHealthCheckTimeoutInSeconds ?? DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS;
  await save({}, { Instances: described, Stage: `waiting for GET /ping (up to ${timeout}s)` });
  // The first failure ends the others' polling too, so a failed endpoint process exits at once.
  const abandon = new AbortController();
  signal.addEventListener('abort', () => abandon.abort(), { once: true });
  await Promise.all(instances.map((i) => waitHealthy(i.name, i.address, i.exited, timeout, abandon.signal))).catch((error: unknown) => {
    abandon.abort();
    throw error;
  });
  const variantNow = (healthy: number) => [{ ...initialEndpointDescribe(job, new Date()).ProductionVariants![0]!, CurrentInstanceCount: healthy }];
  // In service while one instance answers (CurrentInstanceCount says how many); Updating while none does.
  const pool: InstancePool = new InstancePool(instances, {
    startInstance: (name) => containers.startInstance(name),
    removeInstance: (instance) => containers.removeInstance(instance),
    healthTimeoutSeconds: timeout,
    onChange: () =>
      void save(
        { EndpointStatus: pool.healthyCount > 0 ? 'InService' : 'Updating', ProductionVariants: variantNow(pool.healthyCount) },
        { Instances: pool.describe() },
      ).catch(() => undefined),
    log: (host, message) => onLine({ host, message: `[sagekit] ${message}`, timestamp: Date.now(), stream: 'stderr' }),
  });
  const proxy = await startProxy(pool, limitsOf(job));
  await save({ EndpointStatus: 'InService', ProductionVariants: variantNow(count) }, { Instances: pool.describe(), Url: proxy.url, Stage: 'in service' });
  pool.start();
  return { proxy, pool };
}

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
import { EndpointContainers } from './containers.js';
import { waitHealthy } from './health.js';
import { fetchModel } from './model-data.js';
import { startProxy, type EndpointProxy } from './proxy.js';
import { keepLast } from '../../util/keep-last.js';
import {
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  EndpointPaths,
  writeEndpointDescribe,
  type EndpointJob,
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
    Local: { Pid: process.pid, Instances: [], Stage: 'starting', Stages: ['starting'] },
  };
}

type Save = (changes: Partial<DescribeEndpointOutput>, local?: Partial<LocalEndpointInfo>) => Promise<void>;

/** Runs the endpoint until `stopped` resolves. Resolves when it is gone (or failed). */
export async function serveEndpoint(job: EndpointJob, stopped: Promise<void>): Promise<'failed' | 'deleted'> {
  const { requests } = job;
  const name = requests.CreateEndpoint.EndpointName!;
  const paths = new EndpointPaths(job.settings.stateDir!, name);
  let doc = initialEndpointDescribe(job, new Date());
  const save: Save = (changes, local = {}) => {
    const stages = local.Stage ? [...(doc.Local.Stages ?? []), local.Stage] : doc.Local.Stages;
    doc = { ...doc, ...changes, LastModifiedTime: new Date(), Local: { ...doc.Local, ...local, ...(stages && { Stages: stages }) } };
    return writeEndpointDescribe(paths, doc);
  };
  await save({});
  const logFile = createWriteStream(paths.logs, { flags: 'a' });
  const lastLines: string[] = [];
  const onLine = (line: LogLine) => {
    logFile.write(`${JSON.stringify(line)}\n`);
    keepLast(lastLines, `${line.host}: ${line.message}`);
  };
  let containers: EndpointContainers | undefined;
  let proxy: EndpointProxy;
  // A delete while starting (Ctrl-C of deploy, endpoints delete) ends the health checks at once.
  const startup = new AbortController();
  let deleteRequested = false;
  void stopped.then(() => {
    deleteRequested = true;
    startup.abort();
  });
  try {
    const engine = await connectEngine(job.settings.engineHost);
    containers = new EndpointContainers(engine);
    await cleanupLeftovers(engine).catch(() => undefined);
    const image = requests.CreateModel.PrimaryContainer!.Image!;
    await save({}, { Stage: `getting image ${image}` });
    const events = new JobEvents();
    events.on('info', (message) => process.stderr.write(`${message}\n`));
    await ensureImage(engine, image, { ...(job.settings.pull && { pull: job.settings.pull }), events });
    await save({}, { Stage: 'extracting the model into /opt/ml/model' });
    await fetchModel(requests.CreateModel.PrimaryContainer!.ModelDataUrl!, paths.model, job.region);
    proxy = await startInstances(job, paths, containers, onLine, save, startup.signal);
  } catch (error) {
    await containers?.remove();
    if (deleteRequested) {
      await new Promise<void>((resolve) => logFile.end(() => resolve()));
      await rm(paths.dir, { recursive: true, force: true });
      return 'deleted';
    }
    const tail = lastLines.length ? `; last log lines:\n${lastLines.slice(-10).join('\n')}` : '';
    await save({ EndpointStatus: 'Failed', FailureReason: `${(error as Error).message}${tail}`.slice(0, FAILURE_REASON_MAX) }, { Stage: 'failed' });
    await new Promise<void>((resolve) => logFile.end(() => resolve()));
    return 'failed';
  }
  await stopped;
  await save({ EndpointStatus: 'Deleting' }, { Stage: 'deleting' });
  await proxy.close();
  await containers.remove();
  await new Promise<void>((resolve) => logFile.end(() => resolve()));
  await rm(paths.dir, { recursive: true, force: true });
  return 'deleted';
}

async function startInstances(
  job: EndpointJob,
  paths: EndpointPaths,
  containers: EndpointContainers,
  onLine: (line: LogLine) => void,
  save: Save,
  signal: AbortSignal,
): Promise<EndpointProxy> {
  const { CreateModel, CreateEndpointConfig, CreateEndpoint } = job.requests;
  const variant = CreateEndpointConfig.ProductionVariants![0]!;
  const count = variant.InitialInstanceCount ?? 1;
  const env = Object.entries({
    ...CreateModel.PrimaryContainer!.Environment,
    ...(job.region && { AWS_REGION: job.region, AWS_DEFAULT_REGION: job.region }),
  }).map(([k, v]) => `${k}=${v}`);
  await save({}, { Stage: `starting ${count} container${count === 1 ? '' : 's'} (serve)` });
  const instances = await containers.start(
    {
      endpointName: CreateEndpoint.EndpointName!,
      image: CreateModel.PrimaryContainer!.Image!,
      env,
      modelDir: paths.model,
      count,
      gpu: variant.InstanceType === ('local_gpu' as never),
    },
    onLine,
  );
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
  const proxy = await startProxy(instances.map((i) => i.address));
  const inService = [{ ...initialEndpointDescribe(job, new Date()).ProductionVariants![0]!, CurrentInstanceCount: count }];
  await save({ EndpointStatus: 'InService', ProductionVariants: inService }, { Url: proxy.url, Stage: 'in service' });
  return proxy;
}

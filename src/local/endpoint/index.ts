/**
 * Local endpoints from the caller's side: start one (in a detached endpoint process, see
 * server.ts), find, list, invoke and delete them from any process through their records.
 */
import { spawn } from 'node:child_process';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { packagePath } from '../../util/package-root.js';
import { NotFoundError, SagekitError, UsageError } from '../../errors.js';
import { ERROR_TYPE_HEADER } from './proxy-answers.js';
import { EndpointError, ModelError } from '../../deploy/errors.js';
import type { JobEvents, LogLine } from '../../events.js';
import { connectEngine } from '../engine/connect.js';
import { resolveStateDir } from '../record.js';
import {
  claimEndpointName,
  DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS,
  DEFAULT_INVOCATION_LIMITS,
  EndpointPaths,
  listEndpointNames,
  readEndpointDescribe,
  readEndpointOwner,
  writeEndpointOwner,
  type EndpointJob,
  type LocalEndpointDescribe,
} from './record.js';
import { identify, signalIfSame, stillRunning } from '../../util/process-identity.js';
import { sleep } from '../../util/sleep.js';

const BIN = packagePath('bin', 'sagekit.js');
const POLL_MS = 250;

/** Where local endpoint records live and which engine runs them. */
export interface EndpointStoreOptions {
  stateDir?: string;
  engineHost?: string;
}

const pathsOf = (name: string, options: EndpointStoreOptions) => new EndpointPaths(resolveStateDir(options.stateDir), name);

/** The describe document of a local endpoint; NotFoundError when there is none. */
export async function describeLocalEndpoint(name: string, options: EndpointStoreOptions = {}): Promise<LocalEndpointDescribe> {
  const paths = pathsOf(name, options);
  const doc = await readEndpointDescribe(paths);
  if (!doc) throw new NotFoundError(`no local endpoint named ${name}`, 'list endpoints with: sagekit endpoints list');
  // An endpoint whose owner died (machine restart, kill -9) no longer serves; its pid may since
  // name another process, so the owner is known by its pid and start time, not the pid alone.
  if (doc.EndpointStatus !== 'Failed' && !(await stillRunning(await readEndpointOwner(paths)))) {
    return { ...doc, EndpointStatus: 'Failed', FailureReason: `the endpoint process (pid ${doc.Local.Pid}) is gone; delete the endpoint and deploy again` };
  }
  return doc;
}

/** Every recorded local endpoint, newest first. */
export async function listLocalEndpoints(options: EndpointStoreOptions = {}): Promise<LocalEndpointDescribe[]> {
  const docs: LocalEndpointDescribe[] = [];
  for (const name of await listEndpointNames(resolveStateDir(options.stateDir))) {
    await describeLocalEndpoint(name, options).then(
      (doc) => docs.push(doc),
      () => undefined,
    );
  }
  return docs.sort((a, b) => new Date(b.CreationTime!).getTime() - new Date(a.CreationTime!).getTime());
}

/** Starts the endpoint process and records who it is (pid and start time) before anyone may signal it. */
async function spawnOwner(job: EndpointJob, paths: EndpointPaths, stateDir: string): Promise<ReturnType<typeof spawn>> {
  try {
    await writeFile(paths.deploy, JSON.stringify({ ...job, settings: { ...job.settings, stateDir } }, null, 2));
    const stderr = await open(paths.serverLog, 'a');
    const child = spawn(process.execPath, [BIN, '_serve-endpoint', paths.deploy], { detached: true, stdio: ['ignore', 'ignore', stderr.fd] });
    await stderr.close();
    if (child.pid !== undefined) await writeEndpointOwner(paths, await identify(child.pid));
    return child;
  } catch (error) {
    await rm(paths.dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts the endpoint process for `job` and waits until the endpoint is InService (resolves
 * with its describe document) or Failed (rejects with {@link EndpointError}; its containers are
 * already gone). Stages are reported as `info` events. `signal` abandons it: the endpoint is
 * deleted and the promise rejects (exit code 130).
 */
export async function startLocalEndpoint(job: EndpointJob, events?: JobEvents, signal?: AbortSignal): Promise<LocalEndpointDescribe> {
  const name = job.requests.CreateEndpoint.EndpointName!;
  const stateDir = resolveStateDir(job.settings.stateDir);
  const paths = new EndpointPaths(stateDir, name);
  // Atomic: of two deploys of one name at once, exactly one gets past here.
  await claimEndpointName(paths);
  const child = await spawnOwner(job, paths, stateDir);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();

  const timeout =
    job.requests.CreateEndpointConfig.ProductionVariants?.[0]?.ContainerStartupHealthCheckTimeoutInSeconds ?? DEFAULT_HEALTH_CHECK_TIMEOUT_SECONDS;
  // Hang detection only: pulls and model downloads take what they take; the health check has its own timeout.
  const deadline = Date.now() + (timeout + 3600) * 1000;
  let shown = 0;
  for (;;) {
    const doc = await readEndpointDescribe(paths).catch(() => undefined);
    for (const stage of doc?.Local.Stages?.slice(shown) ?? []) events?.emit('info', stage);
    shown = Math.max(shown, doc?.Local.Stages?.length ?? 0);
    if (doc?.EndpointStatus === 'InService') return doc;
    if (doc?.EndpointStatus === 'Failed') throw new EndpointError({ endpointName: name, status: 'Failed', failureReason: doc.FailureReason });
    if (signal?.aborted) {
      // Interrupted while starting: nothing half-made stays behind.
      await deleteLocalEndpoint(name, { stateDir, ...(job.settings.engineHost && { engineHost: job.settings.engineHost }) });
      throw new SagekitError(`deploy of ${name} interrupted; the endpoint was removed`, { exitCode: 130 });
    }
    if (exited || Date.now() > deadline) {
      // The process may have recorded why it failed just before it exited, after our read above.
      const last = exited ? await readEndpointDescribe(paths).catch(() => undefined) : undefined;
      if (last?.EndpointStatus === 'Failed') throw new EndpointError({ endpointName: name, status: 'Failed', failureReason: last.FailureReason });
      const output = (await readFile(paths.serverLog, 'utf8').catch(() => '')).trim().split('\n').slice(-10).join('\n');
      if (!exited) child.kill('SIGTERM');
      await rm(paths.dir, { recursive: true, force: true });
      throw new EndpointError({
        endpointName: name,
        status: 'Failed',
        failureReason: exited ? `the endpoint process exited while starting${output ? `:\n${output}` : ''}` : 'it did not start in time',
      });
    }
    await sleep(POLL_MS);
  }
}

/**
 * Deletes a local endpoint: its process is told to stop (it removes its containers, network
 * and record); whatever a dead process left is removed here.
 */
export async function deleteLocalEndpoint(name: string, options: EndpointStoreOptions = {}): Promise<void> {
  const paths = pathsOf(name, options);
  const doc = await readEndpointDescribe(paths);
  // A claimed name whose process has not written its record yet is an endpoint too.
  if (!doc && !(await stat(paths.dir).catch(() => undefined))) {
    throw new NotFoundError(`no local endpoint named ${name}`, 'list endpoints with: sagekit endpoints list');
  }
  // Only the recorded process itself is signalled, never whatever holds its pid now.
  const owner = await readEndpointOwner(paths);
  if (await signalIfSame(owner, 'SIGTERM')) {
    // It lets requests in flight finish (up to the invocation timeout), then removes its containers.
    const drainSeconds = doc?.Local.Limits?.timeoutSeconds ?? DEFAULT_INVOCATION_LIMITS.timeoutSeconds;
    const deadline = Date.now() + (drainSeconds + 60) * 1000;
    while ((await stillRunning(owner)) && Date.now() < deadline) await sleep(100);
    await signalIfSame(owner, 'SIGKILL');
  }
  // Imported here: the container code pulls in the training runner, which list/describe/invoke do not need.
  const [engine, { removeEndpointResources }] = await Promise.all([connectEngine(options.engineHost), import('./containers.js')]);
  await removeEndpointResources(engine, name);
  await rm(paths.dir, { recursive: true, force: true });
}

/** An error the endpoint's proxy answered itself: a request over a limit is bad input (exit 2), the rest are the model's. */
function proxyAnswerError(name: string, status: number, type: string, text: string): SagekitError {
  let message = text;
  try {
    message = (JSON.parse(text) as { Message?: string }).Message ?? text;
  } catch {
    // not JSON: the text as it is
  }
  if (type === 'ValidationError') return new UsageError(`endpoint ${name}: ${message}`);
  return new ModelError({ endpointName: name, statusCode: status, message: `${type}: ${message}` });
}

/** The answer of a model container. */
export interface InvokeResult {
  body: Uint8Array;
  contentType: string | undefined;
}

/** POSTs `body` to the endpoint's /invocations; a non-2xx answer is a {@link ModelError} with the model's message. */
export async function invokeLocalEndpoint(
  name: string,
  body: Uint8Array | string,
  headers: { contentType?: string; accept?: string; customAttributes?: string },
  options: EndpointStoreOptions = {},
): Promise<InvokeResult> {
  const doc = await describeLocalEndpoint(name, options);
  if (doc.EndpointStatus !== 'InService' || !doc.Local.Url) {
    throw new EndpointError({
      endpointName: name,
      status: doc.EndpointStatus ?? 'Unknown',
      failureReason:
        doc.FailureReason ??
        (doc.EndpointStatus === 'Updating' ? 'no instance answers GET /ping right now; they are being replaced' : 'the endpoint is not in service'),
    });
  }
  const response = await fetch(new URL('/invocations', doc.Local.Url), {
    method: 'POST',
    body,
    headers: {
      ...(headers.contentType && { 'content-type': headers.contentType }),
      ...(headers.accept && { accept: headers.accept }),
      ...(headers.customAttributes && { 'x-amzn-sagemaker-custom-attributes': headers.customAttributes }),
    },
  });
  const answer = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    const text = new TextDecoder().decode(answer).trim().slice(0, 500);
    const proxyError = response.headers.get(ERROR_TYPE_HEADER);
    if (proxyError) throw proxyAnswerError(name, response.status, proxyError, text);
    throw new ModelError({ endpointName: name, statusCode: response.status, message: `the model answered HTTP ${response.status}${text ? `: ${text}` : ''}` });
  }
  return { body: answer, contentType: response.headers.get('content-type') ?? undefined };
}

/** The endpoint's log lines so far (every instance, in the order they were written). */
export async function localEndpointLogs(name: string, options: EndpointStoreOptions = {}): Promise<LogLine[]> {
  const paths = pathsOf(name, options);
  await describeLocalEndpoint(name, options);
  const text = await readFile(paths.logs, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

/**
 * The TrainingJob handle of a local job. Owned by this process (a {@link LocalRun}) or opened
 * from its record by another process (`sagekit describe/logs/stop`); both read the same record.
 */
import { existsSync } from 'node:fs';
import { open, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { NotFoundError } from '../errors.js';
import { fileUriToPath, isFileUri } from '../s3/uri.js';
import { JobEvents, type LogLine } from '../events.js';
import { isTerminalStatus, settleWait, type LogsOptions, type TrainingJob, type WaitOptions } from '../job.js';
import { removeJobResources } from './leftovers.js';
import { type JobPaths, processAlive, readDescribe, readOwner, writeDescribe } from './record.js';
import type { LocalRun } from './run.js';
import { sleep as sleepUnlessAborted } from '../util/sleep.js';
import { transition } from './status.js';
import type { DeployCall } from '../deploy/deploy.js';
import type { Predictor } from '../deploy/predictor.js';

const POLL_MS = 250;

// Removes its abort listener when the time is up: a follow loop polls many times on one signal
// (a listener left per poll made Node warn "MaxListenersExceededWarning … 11 abort listeners").
const sleep = (ms: number, signal?: AbortSignal) => sleepUnlessAborted(ms, signal);

/** Reads a job's record; a job left InProgress by a process that died is recorded as Failed. */
export async function describeRecorded(paths: JobPaths): Promise<DescribeTrainingJobResponse> {
  const doc = await readDescribe(paths);
  if (!doc) throw new NotFoundError(`no local training job named ${paths.name}`, 'list local jobs with: sagekit list --backend local');
  if (isTerminalStatus(doc.TrainingJobStatus)) return doc;
  const owner = await readOwner(paths);
  if (owner !== undefined && owner !== process.pid && !processAlive(owner)) return recordOrphan(paths, doc);
  return doc;
}

/**
 * A job whose process died: recorded as ended (Stopped when a stop had been asked for, such as a
 * third Ctrl-C, else Failed), with an end time so its duration stops growing, and its containers
 * and network removed now rather than by some later run (FAULTS 5, 6).
 */
async function recordOrphan(paths: JobPaths, doc: DescribeTrainingJobResponse, engineHost?: string): Promise<DescribeTrainingJobResponse> {
  const now = new Date();
  const stopped = existsSync(paths.stopRequested);
  const reason = stopped
    ? 'the sagekit process running this job exited after it was asked to stop'
    : 'InternalServerError: the sagekit process running this job ended before the job did';
  const ended = stopped
    ? { ...transition(doc, 'Stopped', reason, now, 'Stopped'), TrainingEndTime: now }
    : { ...transition(doc, 'Failed', reason, now, 'Failed'), FailureReason: reason, TrainingEndTime: now };
  await import('./engine/connect.js')
    .then(({ connectEngine }) => connectEngine(engineHost))
    .then((engine) => removeJobResources(engine, paths.name))
    .catch(() => undefined);
  await removePartialArtifacts(doc);
  await writeDescribe(paths, ended);
  return ended;
}

/** Half-written `model.tar.gz`/`output.tar.gz` (`.NAME.<id>.sagekit-part`) a killed process left in a local output folder. */
async function removePartialArtifacts(doc: DescribeTrainingJobResponse): Promise<void> {
  const output = doc.OutputDataConfig?.S3OutputPath;
  if (!output || !isFileUri(output) || !doc.TrainingJobName) return;
  const dir = path.join(fileUriToPath(output), doc.TrainingJobName, 'output');
  const names = await readdir(dir).catch(() => [] as string[]);
  const partial = names.filter((name) => /^\.(model|output)\.tar\.gz\.[0-9a-f]+\.sagekit-part$/.test(name));
  await Promise.all(partial.map((name) => rm(path.join(dir, name), { force: true })));
}

/** Asks the owner of a job (any process) to stop it; cleans up after a dead owner. */
export async function requestStop(paths: JobPaths, engineHost?: string): Promise<void> {
  const doc = await describeRecorded(paths);
  if (isTerminalStatus(doc.TrainingJobStatus)) return;
  const owner = await readOwner(paths);
  if (owner !== undefined && processAlive(owner)) {
    await writeFile(paths.stopRequested, new Date().toISOString());
    return;
  }
  // The engine client loads only here: describe, logs and list read the record alone.
  const { connectEngine } = await import('./engine/connect.js');
  const engine = await connectEngine(engineHost);
  await removeJobResources(engine, paths.name);
  await writeDescribe(paths, transition(doc, 'Stopped', 'Training job stopped', new Date(), 'Stopped'));
}

/** Reads log lines from the record from byte `offset`; returns them and the new offset. */
async function readLogChunk(file: string, offset: number): Promise<{ lines: LogLine[]; offset: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return { lines: [], offset };
  }
  try {
    const { size } = await handle.stat();
    if (size <= offset) return { lines: [], offset };
    const buffer = Buffer.alloc(size - offset);
    await handle.read(buffer, 0, buffer.length, offset);
    const text = buffer.toString('utf8');
    // Only complete lines: the writer may be in the middle of one.
    const end = text.lastIndexOf('\n') + 1;
    const lines = text
      .slice(0, end)
      .split('\n')
      .filter(Boolean)
      .map((l) => parseLogLine(l, file));
    return { lines, offset: offset + Buffer.byteLength(text.slice(0, end)) };
  } finally {
    await handle.close();
  }
}

/** One record line; a damaged one (a torn write) becomes a note in its place instead of ending the read (FAULTS 11). */
function parseLogLine(text: string, file: string): LogLine {
  try {
    const line = JSON.parse(text) as LogLine;
    if (typeof line.message === 'string') return line;
  } catch {
    // reported below
  }
  return { host: 'sagekit', message: `[sagekit: skipped a damaged line of ${file}: ${text.slice(0, 60)}…]`, timestamp: 0, stream: 'stderr' };
}

/** Handle of a local job. */
export class LocalJobHandle implements TrainingJob {
  readonly backend = 'local' as const;

  constructor(
    readonly paths: JobPaths,
    readonly events: JobEvents = new JobEvents(),
    private readonly run?: LocalRun,
    private readonly engineHost?: string,
  ) {}

  get name(): string {
    return this.paths.name;
  }

  async describe(): Promise<DescribeTrainingJobResponse> {
    return this.run ? this.run.snapshot() : describeRecorded(this.paths);
  }

  async wait(options: WaitOptions = {}): Promise<DescribeTrainingJobResponse> {
    let doc: DescribeTrainingJobResponse;
    if (this.run) {
      const aborted = new Promise<never>((_, reject) => {
        options.signal?.addEventListener('abort', () => reject(options.signal!.reason as Error), { once: true });
      });
      doc = await (options.signal ? Promise.race([this.run.done, aborted]) : this.run.done);
    } else {
      doc = await describeRecorded(this.paths);
      while (!isTerminalStatus(doc.TrainingJobStatus)) {
        if (options.signal?.aborted) throw options.signal.reason as Error;
        await sleep(POLL_MS, options.signal);
        doc = await describeRecorded(this.paths);
      }
    }
    return settleWait(this.name, doc, options, () => this.lastLines());
  }

  private async lastLines(count = 20): Promise<string[]> {
    if (this.run) return this.run.lastLogLines().slice(-count);
    const { lines } = await readLogChunk(this.paths.logs, 0);
    return lines.slice(-count).map((l) => l.message);
  }

  async *logs(options: LogsOptions = {}): AsyncIterable<LogLine> {
    let offset = 0;
    for (;;) {
      const ended = isTerminalStatus((await this.describe()).TrainingJobStatus);
      const chunk = await readLogChunk(this.paths.logs, offset);
      offset = chunk.offset;
      yield* chunk.lines;
      if (!options.follow || options.signal?.aborted) return;
      // The record says Completed only after the logs were flushed, so a last read sees everything.
      if (ended) {
        yield* (await readLogChunk(this.paths.logs, offset)).lines;
        return;
      }
      await sleep(POLL_MS, options.signal);
    }
  }

  async stop(): Promise<void> {
    if (this.run) await this.run.stop();
    else await requestStop(this.paths, this.engineHost);
  }

  async modelArtifacts(): Promise<string | undefined> {
    return (await this.describe()).ModelArtifacts?.S3ModelArtifacts;
  }

  /** Deploys the model; a local endpoint's record goes to the same state directory as this job's. */
  async deploy(options: DeployCall): Promise<Predictor> {
    const { deployTrainingJob } = await import('../deploy/deploy.js');
    const stateDir = path.dirname(path.dirname(this.paths.dir));
    const local = { stateDir, ...(this.engineHost && { engineHost: this.engineHost }), ...options.local };
    return deployTrainingJob(this, { ...options, local });
  }
}

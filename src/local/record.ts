/**
 * The local job record: what `describe`, `logs` and `list` read, also from another process after
 * the job's own process ended. Layout under the state directory:
 *
 *   jobs/<name>/describe.json   DescribeTrainingJob document (dates as ISO strings), written atomically
 *   jobs/<name>/logs.jsonl      one {host, timestamp, message, stream} per line
 *   jobs/<name>/metrics.jsonl   one {name, value, timestamp, host} per line
 *   jobs/<name>/owner.json      {pid} of the process running the job
 *   jobs/<name>/stop-requested  present when `sagekit stop` asked the owner to stop
 *   jobs/<name>/hosts/algo-N/   each host's /opt/ml (model and output kept after the job)
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { SagekitError } from '../errors.js';

/** The state directory: setting → $SAGEKIT_STATE_DIR → $XDG_STATE_HOME/sagekit → ~/.local/state/sagekit. */
export function resolveStateDir(stateDir?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (stateDir) return path.resolve(stateDir);
  if (env.SAGEKIT_STATE_DIR) return path.resolve(env.SAGEKIT_STATE_DIR);
  const base = env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
  return path.join(base, 'sagekit');
}

/** Paths of one job's record. */
export class JobPaths {
  readonly dir: string;
  constructor(
    stateDir: string,
    readonly name: string,
  ) {
    this.dir = path.join(stateDir, 'jobs', name);
  }
  get describe(): string {
    return path.join(this.dir, 'describe.json');
  }
  get logs(): string {
    return path.join(this.dir, 'logs.jsonl');
  }
  get metrics(): string {
    return path.join(this.dir, 'metrics.jsonl');
  }
  get owner(): string {
    return path.join(this.dir, 'owner.json');
  }
  get stopRequested(): string {
    return path.join(this.dir, 'stop-requested');
  }
  get work(): string {
    return path.join(this.dir, 'work');
  }
  host(hostName: string): string {
    return path.join(this.dir, 'hosts', hostName);
  }
}

const DATE_FIELDS = ['CreationTime', 'TrainingStartTime', 'TrainingEndTime', 'LastModifiedTime'] as const;

/** Parses a describe document from JSON, turning its ISO dates back into Date objects. */
function reviveDescribe(text: string): DescribeTrainingJobResponse {
  const doc = JSON.parse(text) as Record<string, unknown>;
  for (const field of DATE_FIELDS) if (typeof doc[field] === 'string') doc[field] = new Date(doc[field]);
  for (const t of (doc.SecondaryStatusTransitions as Array<Record<string, unknown>> | undefined) ?? []) {
    if (typeof t.StartTime === 'string') t.StartTime = new Date(t.StartTime);
    if (typeof t.EndTime === 'string') t.EndTime = new Date(t.EndTime);
  }
  for (const m of (doc.FinalMetricDataList as Array<Record<string, unknown>> | undefined) ?? []) {
    if (typeof m.Timestamp === 'string') m.Timestamp = new Date(m.Timestamp);
  }
  return doc as unknown as DescribeTrainingJobResponse;
}

/** Writes a file atomically (temp name in the same directory, then rename). */
export async function writeAtomic(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

/** Reads a job's describe document, or undefined when there is no such record. */
export async function readDescribe(paths: JobPaths): Promise<DescribeTrainingJobResponse | undefined> {
  const text = await readIfExists(paths.describe);
  if (text === undefined) return undefined;
  try {
    return reviveDescribe(text);
  } catch (error) {
    // A torn write (disk full, a killed process on a file system without atomic rename): name the file.
    throw new SagekitError(`the record of local job ${paths.name} is damaged: ${paths.describe}: ${(error as Error).message}`, {
      hint: `its logs and artifacts are still in ${paths.dir}; remove that folder to forget the job`,
      cause: error,
    });
  }
}

/** Saves a job's describe document. */
export function writeDescribe(paths: JobPaths, describe: DescribeTrainingJobResponse): Promise<void> {
  return writeAtomic(paths.describe, `${JSON.stringify(describe, null, 2)}\n`);
}

/** Names of every recorded job. */
export function listJobNames(stateDir: string): Promise<string[]> {
  return listFolders(path.join(stateDir, 'jobs'));
}

/** A file's text, or undefined when it does not exist (other errors are thrown). */
export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Names of the folders in `dir` (none when it does not exist): the records of a store. */
export async function listFolders(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** PID of the process that runs a job, when recorded. */
export async function readOwner(paths: JobPaths): Promise<number | undefined> {
  try {
    return (JSON.parse(await readFile(paths.owner, 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

/** True when a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

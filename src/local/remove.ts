/**
 * Removing local job records (`sagekit rm`, `sagekit prune`): the job's folder under the state
 * directory — describe document, logs, metrics and each host's /opt/ml copy. Artifacts under
 * the job's `outputPath` are the user's results and stay. Running jobs are never removed.
 */
import { rm } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { isTerminalStatus } from '../job.js';
import { describeRecorded } from './handle.js';
import { JobPaths, listJobNames, resolveStateDir } from './record.js';

/** Where the records are. */
export interface RemoveOptions {
  stateDir?: string;
}

/** Removes one ended job's record; refuses a running one (UsageError, exit 2). Returns its folder. */
export async function removeLocalJob(name: string, options: RemoveOptions = {}): Promise<string> {
  const paths = new JobPaths(resolveStateDir(options.stateDir), name);
  const doc = await describeRecorded(paths);
  if (!isTerminalStatus(doc.TrainingJobStatus)) {
    throw new UsageError(`${name} is ${doc.TrainingJobStatus}: a running job's record cannot be removed`, `stop it first: sagekit stop ${name} --wait`);
  }
  await removeFolder(paths.dir);
  return paths.dir;
}

async function removeFolder(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    throw new UsageError(
      `cannot remove ${dir}: ${(error as NodeJS.ErrnoException).path ?? dir} is not yours (written by a container of a rootful engine)`,
      `remove it as its owner: sudo rm -rf ${dir}`,
    );
  }
}

/** `7d`, `12h`, `30m`, `45s`, `2w` → milliseconds; UsageError naming the flag otherwise. */
export function parseAge(text: string, flag = '--older-than'): number {
  const match = /^(\d+)(s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} ${JSON.stringify(text)}: must be a number with a unit s, m, h, d or w (e.g. 7d, 12h)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit * 1000;
}

/** What {@link pruneLocalJobs} removed or would remove. */
export interface PrunedJob {
  name: string;
  status: string;
  endTime?: string;
}

/**
 * Removes every ended job that ended (or, without an end time, was created) more than
 * `olderThanMs` ago. Running jobs and folders that are not job records are left alone.
 */
export async function pruneLocalJobs(options: RemoveOptions & { olderThanMs?: number; dryRun?: boolean; now?: number } = {}): Promise<PrunedJob[]> {
  const stateDir = resolveStateDir(options.stateDir);
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 0);
  const pruned: PrunedJob[] = [];
  for (const name of await listJobNames(stateDir)) {
    const paths = new JobPaths(stateDir, name);
    const doc = await describeRecorded(paths).catch(() => undefined);
    if (!doc || !isTerminalStatus(doc.TrainingJobStatus)) continue;
    const ended = doc.TrainingEndTime ?? doc.LastModifiedTime ?? doc.CreationTime;
    if (ended && new Date(ended).getTime() > cutoff) continue;
    if (!options.dryRun) await removeFolder(paths.dir);
    pruned.push({ name, status: doc.TrainingJobStatus!, ...(ended && { endTime: new Date(ended).toISOString() }) });
  }
  return pruned;
}

/**
 * The log streams of local jobs, named as SageMaker names them in the log group
 * `/aws/sagemaker/TrainingJobs`: one per host, `<job>/algo-N-<epoch>` (epoch seconds of the
 * job's training start). Read from the job record's logs.jsonl, so they are live while the job runs.
 */
import { readFile } from 'node:fs/promises';
import { JOB_NAME_PATTERN } from '../estimator/rule-basics.js';
import type { LogLine } from '../events.js';
import { JobPaths, listJobNames, readDescribe } from '../local/record.js';

/** The log group SageMaker writes training logs to. */
export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/** One stream and its events, oldest first. */
export interface LogStream {
  name: string;
  creationTime: number;
  events: LogLine[];
}

/** Complete lines of a job's log record (a line being written is left for the next read). */
async function readLogLines(file: string): Promise<LogLine[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** The streams of one job: a host has one once training started or it printed something. */
async function jobStreams(stateDir: string, jobName: string): Promise<LogStream[]> {
  // Only job names can be records (and ../x must not reach the file system).
  if (!JOB_NAME_PATTERN.test(jobName)) return [];
  const paths = new JobPaths(stateDir, jobName);
  const doc = await readDescribe(paths).catch(() => undefined);
  if (!doc) return [];
  const started = doc.TrainingStartTime ?? doc.CreationTime ?? new Date(0);
  const epoch = Math.floor(started.getTime() / 1000);
  const lines = await readLogLines(paths.logs);
  const count = doc.ResourceConfig?.InstanceCount ?? 1;
  const streams: LogStream[] = [];
  for (let i = 1; i <= count; i++) {
    const host = `algo-${i}`;
    const events = lines.filter((line) => line.host === host);
    if (!events.length && !doc.TrainingStartTime) continue;
    streams.push({ name: `${jobName}/${host}-${epoch}`, creationTime: started.getTime(), events });
  }
  return streams;
}

/** Streams of every job whose stream names may start with `prefix` (all jobs without one). */
export async function streamsWithPrefix(stateDir: string, prefix = ''): Promise<LogStream[]> {
  const names = (await listJobNames(stateDir)).filter((name) => `${name}/`.startsWith(prefix) || prefix.startsWith(`${name}/`));
  const streams = (await Promise.all(names.map((name) => jobStreams(stateDir, name)))).flat();
  return streams.filter((s) => s.name.startsWith(prefix));
}

/** One stream by its exact name, or undefined. */
export async function findStream(stateDir: string, streamName: string): Promise<LogStream | undefined> {
  const slash = streamName.lastIndexOf('/');
  if (slash <= 0) return undefined;
  return (await jobStreams(stateDir, streamName.slice(0, slash))).find((s) => s.name === streamName);
}

/**
 * A CloudWatch Logs filter pattern for unstructured text: every plain or quoted term must occur,
 * `-term` must not, and of `?term`s at least one must. JSON and space-delimited patterns are not supported.
 */
export function textFilter(pattern: string | undefined): ((message: string) => boolean) | undefined {
  const trimmed = pattern?.trim() ?? '';
  if (!trimmed) return () => true;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return undefined;
  const terms = [...trimmed.matchAll(/([-?]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ kind: m[1], text: m[2] ?? m[3]! }));
  const required = terms.filter((t) => t.kind === '').map((t) => t.text);
  const excluded = terms.filter((t) => t.kind === '-').map((t) => t.text);
  const anyOf = terms.filter((t) => t.kind === '?').map((t) => t.text);
  return (message) =>
    required.every((t) => message.includes(t)) && !excluded.some((t) => message.includes(t)) && (anyOf.length === 0 || anyOf.some((t) => message.includes(t)));
}

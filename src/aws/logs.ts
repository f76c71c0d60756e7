/**
 * Live CloudWatch Logs of a training job: every host's stream of `/aws/sagemaker/TrainingJobs`
 * (`<job>/algo-N-<epoch>`), streams picked up as hosts start, each read forward with its own
 * token so no line is lost or repeated across polls. Polling backs off while nothing arrives
 * and snaps back when lines do; after the job ends, one last full read drains every stream.
 */
import { DescribeLogStreamsCommand, GetLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LogLine } from '../events.js';
import { sleep, withRetry } from './retry.js';

const LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/** Poll timing of the tailer. */
export interface TailTiming {
  /** First and shortest pause between polls (default 1 s). */
  minDelayMs?: number;
  /** Longest pause while nothing arrives (default 10 s). */
  maxDelayMs?: number;
  /** Backoff of retried API calls (default 500 ms base). */
  retryBaseMs?: number;
}

interface StreamState {
  name: string;
  host: string;
  token: string | undefined;
}

/** Host of a stream name: `job/algo-2-1700000000` → `algo-2`. */
function hostOfStream(streamName: string): string {
  return /\/(algo-\d+)/.exec(streamName)?.[1] ?? streamName.split('/').pop() ?? streamName;
}

/**
 * Yields every line of the job's streams. With `isEnded`, keeps following until it returns true
 * (checked before each round, so the round after the end reads everything); without, reads once.
 */
export async function* tailJobLogs(
  logs: CloudWatchLogsClient,
  jobName: string,
  options: { isEnded?: () => Promise<boolean>; signal?: AbortSignal; timing?: TailTiming } = {},
): AsyncGenerator<LogLine> {
  const min = options.timing?.minDelayMs ?? 1000;
  const max = options.timing?.maxDelayMs ?? 10_000;
  const retry = { baseDelayMs: options.timing?.retryBaseMs ?? 500, ...(options.signal && { signal: options.signal }) };
  const streams = new Map<string, StreamState>();
  let delay = min;

  for (;;) {
    const ended = options.isEnded ? await options.isEnded() : true;
    await discoverStreams(logs, jobName, streams, retry);
    let received = 0;
    for (const stream of [...streams.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))) {
      for (;;) {
        const page = await withRetry(
          () =>
            logs.send(
              new GetLogEventsCommand({
                logGroupName: LOG_GROUP,
                logStreamName: stream.name,
                startFromHead: true,
                ...(stream.token && { nextToken: stream.token }),
              }),
            ),
          retry,
        );
        for (const event of page.events ?? []) {
          received++;
          yield { host: stream.host, message: (event.message ?? '').replace(/\r?\n$/, ''), timestamp: event.timestamp ?? Date.now() };
        }
        // The forward token stops changing once the stream has nothing more (for now).
        const unchanged = page.nextForwardToken === stream.token;
        stream.token = page.nextForwardToken ?? stream.token;
        if (unchanged || !page.events?.length) break;
      }
    }
    if (ended || options.signal?.aborted) return;
    delay = received ? min : Math.min(max, delay * 2);
    await sleep(delay, options.signal);
    if (options.signal?.aborted) return;
  }
}

async function discoverStreams(
  logs: CloudWatchLogsClient,
  jobName: string,
  streams: Map<string, StreamState>,
  retry: { baseDelayMs: number; signal?: AbortSignal },
): Promise<void> {
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await withRetry(
        () => logs.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, logStreamNamePrefix: `${jobName}/`, ...(nextToken && { nextToken }) })),
        retry,
      );
    } catch (error) {
      // Early in a job (or in a fresh account) the log group does not exist yet.
      if ((error as Error).name === 'ResourceNotFoundException') return;
      throw error;
    }
    for (const s of page.logStreams ?? []) {
      if (s.logStreamName && !streams.has(s.logStreamName)) {
        streams.set(s.logStreamName, { name: s.logStreamName, host: hostOfStream(s.logStreamName), token: undefined });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
}

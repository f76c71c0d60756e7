/**
 * Complete logs for the job record when the engine's live log stream dropped lines.
 *
 * Under a flood of output (200 000 lines in a second or two) Podman's streaming log endpoint
 * skips lines and cuts others (FAULTS 9), while reading the logs once the container has exited
 * returns every line. So after a host's container exited, its whole log is read again, as a
 * stream and line by line (memory stays flat however long the log is):
 * - the live stream gave a prefix (it ended early): the missing tail is emitted like live lines;
 * - it had gaps: the host's lines in `logs.jsonl` are replaced by the complete ones at the end of
 *   the job (live viewers have seen what the stream gave), its metrics and last lines recomputed.
 * Recovered lines carry the time they were recovered, since the live ones cannot be matched.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { LogLine, MetricSample } from '../events.js';
import { demuxOutput } from './engine/demux.js';
import type { EngineContainer } from './engine/types.js';
import { LineSplitter } from './line-splitter.js';
import { keepLast } from '../util/keep-last.js';

/**
 * Bound of each re-read of the exited container's whole log (unfollowed: following an exited
 * container replays the same lossy stream). An engine that stops answering must not hold the job.
 */
const READ_BOUND_MS = 120_000;
/** Lines queued between the engine's stream and their consumer before the stream is paused. */
const QUEUE_HIGH_WATER = 1024;

/**
 * The lines of a multiplexed engine stream, in the order the container wrote them, as an async
 * iterable: the stream is paused while its consumer is behind, so nothing piles up in memory.
 */
export async function* demuxedLines(raw: Readable, host: string, now = Date.now()): AsyncGenerator<LogLine> {
  let queue: LogLine[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const splitter = (stream: 'stdout' | 'stderr') =>
    new LineSplitter((message) => {
      queue.push({ host, message, timestamp: now, stream });
      if (queue.length >= QUEUE_HIGH_WATER) raw.pause();
      notify();
    });
  const stdout = splitter('stdout');
  const stderr = splitter('stderr');
  demuxOutput(raw, stdout, stderr);
  const finish = () => {
    if (ended) return;
    // Flushes an unterminated last line before the end is reported.
    Promise.all([stdout, stderr].map((s) => new Promise<void>((resolve) => s.end(resolve)))).then(() => {
      ended = true;
      notify();
    });
  };
  raw.once('end', finish);
  raw.once('close', finish);
  raw.once('error', (error: Error) => {
    failure = error;
    ended = true;
    notify();
  });
  try {
    while (true) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        raw.resume();
        yield* batch;
      } else if (ended) {
        if (failure) throw failure;
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    raw.destroy();
  }
}

/** What the live stream delivered of one host, and how recovered lines reach the job. */
export interface LiveLog {
  host: string;
  /** Lines the live stream delivered. */
  received: number;
  /** The last of them, to tell a prefix from a stream with gaps. */
  lastReceived: string | undefined;
  /** Emits a recovered tail line like a live one; a promise when the record must catch up first. */
  emit(line: LogLine): Promise<void> | undefined;
  /** The metric samples of a line. */
  parseMetrics(line: LogLine): MetricSample[];
  /** How many last lines to keep (for a failure reason). */
  keepLast: number;
}

/** What a re-read found. */
export type Recovery =
  | { kind: 'complete' } // the live stream had every line, or its missing tail was emitted
  | { kind: 'unknown' } // the engine could not say
  | { kind: 'gaps'; total: number; lastLines: string[]; samples: MetricSample[] };

/**
 * Compares a host's complete log with what the live stream delivered. One pass: counts the
 * lines, checks that the live ones were a prefix, emits the tail beyond them when they were,
 * keeps the last lines and the metric samples for when they were not.
 */
export async function compareWithLive(lines: AsyncIterable<LogLine>, live: LiveLog): Promise<Recovery> {
  let total = 0;
  let prefix = live.received === 0;
  const lastLines: string[] = [];
  const samples: MetricSample[] = [];
  for await (const line of lines) {
    if (total === live.received - 1) prefix = line.message === live.lastReceived;
    if (prefix && total >= live.received) await live.emit(line);
    keepLast(lastLines, line.message, live.keepLast);
    samples.push(...live.parseMetrics(line));
    total++;
  }
  if (total <= live.received || prefix) return { kind: 'complete' };
  return { kind: 'gaps', total, lastLines, samples };
}

/** Reads a host's complete log once the container exited and compares it with the live one. */
export async function recoverHostLog(container: EngineContainer, live: LiveLog): Promise<Recovery> {
  try {
    const raw = await container.streamLogs({ signal: AbortSignal.timeout(READ_BOUND_MS) });
    return await compareWithLive(demuxedLines(raw, live.host), live);
  } catch {
    return { kind: 'unknown' };
  }
}

/** Writes a host's complete log (JSON lines) to `file`, for {@link replaceHostLines}; false when the engine could not say. */
export async function saveCompleteLog(container: EngineContainer, host: string, file: string): Promise<boolean> {
  const out = createWriteStream(file);
  try {
    const raw = await container.streamLogs({ signal: AbortSignal.timeout(READ_BOUND_MS) });
    await writeLines(out, demuxedLines(raw, host), JSON.stringify);
    return true;
  } catch {
    out.destroy();
    await rm(file, { force: true });
    return false;
  }
}

/** Writes each item as one line, waiting for the file whenever it is behind; settles once it is closed. */
async function writeLines<T>(out: WriteStream, items: AsyncIterable<T>, text: (item: T) => string): Promise<void> {
  let failure: Error | undefined;
  out.on('error', (error) => (failure ??= error));
  for await (const item of items) {
    if (failure) break;
    if (!out.write(`${text(item)}\n`)) await once(out, 'drain'); // rejects when the file fails meanwhile
  }
  out.end();
  await finished(out);
  if (failure) throw failure;
}

/**
 * Rewrites the log record with each given host's lines replaced by its complete ones (from the
 * files {@link saveCompleteLog} wrote, placed where the host's first line was), streaming; the
 * files are removed.
 */
export async function replaceHostLines(file: string, complete: ReadonlyMap<string, string>): Promise<void> {
  if (complete.size === 0) return;
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeLines(createWriteStream(temp), mergedRecord(file, complete), (line) => line);
    await rename(temp, file);
  } finally {
    await Promise.all([temp, ...complete.values()].map((f) => rm(f, { force: true })));
  }
}

/** The record's lines with each recovered host's lines swapped for the complete ones. */
async function* mergedRecord(file: string, complete: ReadonlyMap<string, string>): AsyncGenerator<string> {
  const placed = new Set<string>();
  async function* place(host: string): AsyncGenerator<string> {
    if (placed.has(host)) return;
    placed.add(host);
    yield* linesOf(complete.get(host)!);
  }
  for await (const raw of linesOf(file)) {
    const host = hostOf(raw);
    if (host !== undefined && complete.has(host)) yield* place(host);
    else yield raw;
  }
  for (const host of complete.keys()) yield* place(host);
}

/** The non-empty lines of a file (none when it does not exist). */
async function* linesOf(file: string): AsyncGenerator<string> {
  const input = createReadStream(file, 'utf8');
  try {
    await once(input, 'open');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) if (line) yield line;
}

function hostOf(raw: string): string | undefined {
  try {
    return (JSON.parse(raw) as LogLine).host;
  } catch {
    return undefined;
  }
}

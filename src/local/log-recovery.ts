/**
 * Complete logs for the job record when the engine's live log stream dropped lines.
 *
 * Under a flood of output (200 000 lines in a second or two) Podman's streaming log endpoint
 * skips lines and cuts others (FAULTS 9), while reading the logs once the container has exited
 * returns every line. So after a host's container exited, its whole log is read again; when it
 * has more lines than the live stream delivered, that host's lines in `logs.jsonl` are replaced
 * by the complete ones at the end of the job (live viewers have seen what the stream gave).
 * Recovered lines carry the time they were recovered, since the live ones cannot be matched.
 */
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { LogLine } from '../events.js';
import type { ContainerClient, EngineContainer } from './engine/types.js';
import { LineSplitter } from './line-splitter.js';
import { writeAtomic } from './record.js';

/** Bound of the re-read: an engine that stops answering must not hold the job. */
const READ_BOUND_MS = 120_000;
const DEMUX_CHUNK = 16 * 1024;

/** Every line the exited container printed, in order; undefined when the engine could not say. */
export async function readCompleteLog(containers: ContainerClient, container: EngineContainer, host: string): Promise<LogLine[] | undefined> {
  const lines: LogLine[] = [];
  const signal = AbortSignal.timeout(READ_BOUND_MS);
  try {
    // The whole log at once (not followed: following an exited container replays the same lossy stream).
    const whole = await container.readLogs({ signal });
    const now = Date.now();
    const splitter = (kind: 'stdout' | 'stderr') => new LineSplitter((message) => lines.push({ host, message, timestamp: now, stream: kind }));
    const stdout = splitter('stdout');
    const stderr = splitter('stderr');
    // Small chunks: the demultiplexer recurses once per frame within a chunk.
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < whole.length; offset += DEMUX_CHUNK) chunks.push(whole.subarray(offset, offset + DEMUX_CHUNK));
    const stream = Readable.from(chunks);
    containers.demux(stream, stdout, stderr);
    await finished(stream);
    await Promise.all([stdout, stderr].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    return lines;
  } catch {
    return undefined;
  }
}

/** Rewrites the log record with each given host's lines replaced by its complete ones (kept at the place of the host's first line). */
export async function replaceHostLines(file: string, complete: ReadonlyMap<string, readonly LogLine[]>): Promise<void> {
  if (complete.size === 0) return;
  const text = await readFile(file, 'utf8').catch(() => '');
  const out: string[] = [];
  const placed = new Set<string>();
  const place = (host: string) => {
    if (placed.has(host)) return;
    placed.add(host);
    for (const line of complete.get(host) ?? []) out.push(JSON.stringify(line));
  };
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    const host = hostOf(raw);
    if (host !== undefined && complete.has(host)) place(host);
    else out.push(raw);
  }
  for (const host of complete.keys()) place(host);
  await writeAtomic(file, out.length ? `${out.join('\n')}\n` : '');
}

function hostOf(raw: string): string | undefined {
  try {
    return (JSON.parse(raw) as LogLine).host;
  } catch {
    return undefined;
  }
}

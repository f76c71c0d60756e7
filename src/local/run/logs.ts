/**
 * Host output and logs of a local job: each container's output split into lines, which become
 * log events, record lines (`logs.jsonl`) and metric samples (`metrics.jsonl`); backpressure
 * while the record catches up; the drain of an output that outlives its container; and the
 * recovery of lines a lossy live stream dropped (log-recovery.ts).
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { JobEvents, LogLine, MetricSample } from '../../events.js';
import type { OutputMode } from '../container-io.js';
import { openOutput } from '../container-io.js';
import { demuxOutput } from '../engine/demux.js';
import { LineSplitter } from '../line-splitter.js';
import { type Recovery, recoverHostLog, replaceHostLines, saveCompleteLog } from '../log-recovery.js';
import type { MetricParser } from '../metrics.js';
import type { JobPaths } from '../record.js';
import { keepLast, LAST_LINES_KEPT } from '../../util/keep-last.js';
import type { HostRun } from './host-run.js';

/** How long a host's output may linger after its container exited before we close it. */
const OUTPUT_DRAIN_MS = 2000;

/** The log and metric records of one job, fed by its hosts' output. */
export class JobLogs {
  /** Every metric sample so far (the final metrics are computed from them). */
  readonly samples: MetricSample[] = [];
  private readonly logFile: WriteStream;
  private readonly metricFile: WriteStream;
  /** True while the containers' output waits for the record's log file to catch up. */
  private held = false;

  constructor(
    private readonly paths: JobPaths,
    private readonly events: JobEvents,
    private readonly metrics: MetricParser,
    private readonly hosts: HostRun[],
  ) {
    this.logFile = createWriteStream(paths.logs, { flags: 'a' });
    this.metricFile = createWriteStream(paths.metrics, { flags: 'a' });
  }

  /** The last lines logged by any host (newest last). */
  lastLines(): string[] {
    return this.hosts.flatMap((h) => h.lastLines).slice(-LAST_LINES_KEPT);
  }

  /** A line of the image build (`sagekit logs JOB` of a failed build shows what the build said). */
  writeBuildLine(message: string): void {
    this.logFile.write(`${JSON.stringify({ host: 'build', message, timestamp: Date.now(), stream: 'stdout' })}\n`);
  }

  /** Streams a container's output into log events, the record and the metric parser. */
  async attach(host: HostRun, how: OutputMode): Promise<{ finished: Promise<void> }> {
    const stream = await openOutput(host.container!, how);
    host.output = stream;
    const splitter = (kind: 'stdout' | 'stderr') =>
      new LineSplitter((message) => this.onLine({ host: host.name, message, timestamp: Date.now(), stream: kind }, host));
    const stdout = splitter('stdout');
    const stderr = splitter('stderr');
    demuxOutput(stream, stdout, stderr);
    let ended = false;
    const endBoth = () => {
      if (ended) return;
      ended = true;
      stdout.end();
      stderr.end();
    };
    host.lastOutput = Date.now();
    stream.on('data', () => (host.lastOutput = Date.now()));
    stream.on('end', endBoth);
    stream.on('close', endBoth);
    const finished = (w: LineSplitter) => new Promise<void>((resolve) => w.once('finish', () => resolve()));
    // Wrapped: an async function returning a bare promise would wait for it.
    return { finished: Promise.all([finished(stdout), finished(stderr)]).then(() => undefined) };
  }

  private onLine(line: LogLine, host: HostRun): void {
    host.received++;
    keepLast(host.lastLines, line.message);
    if (!this.logFile.write(`${JSON.stringify(line)}\n`)) this.holdOutputUntilDrained();
    this.events.emit('log', line);
    for (const sample of this.metrics.parse(line.message, line.host, line.timestamp)) {
      this.samples.push(sample);
      this.metricFile.write(`${JSON.stringify(sample)}\n`);
      this.events.emit('metric', sample);
    }
  }

  /**
   * Backpressure: while the record's log file catches up, the containers' output streams wait
   * (the engine buffers them), so a container printing 200 000 lines at once does not pile them
   * up in this process's memory.
   */
  private holdOutputUntilDrained(): void {
    if (this.held) return;
    this.held = true;
    const held = this.hosts.map((h) => h.output).filter((o) => o !== undefined);
    for (const output of held) output.pause();
    this.logFile.once('drain', () => {
      this.held = false;
      const now = Date.now();
      for (const host of this.hosts) host.lastOutput = now;
      for (const output of held) output.resume();
    });
  }

  /**
   * Waits for a host's output to end with its container; closes it once it has been silent for
   * OUTPUT_DRAIN_MS (some engines keep it open) — never while lines are still arriving or held.
   */
  async drain(host: HostRun, finished: Promise<void>): Promise<void> {
    let ended = false;
    void finished.then(() => (ended = true));
    while (!ended) {
      const silentFor = Date.now() - (host.lastOutput ?? 0);
      if (silentFor >= OUTPUT_DRAIN_MS && !this.held) {
        host.output?.destroy?.();
        break;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(50, OUTPUT_DRAIN_MS - silentFor))))]);
      clearTimeout(timer);
    }
    await finished;
  }

  /**
   * The live stream may have dropped lines of this exited host (log-recovery.ts). When it only
   * ended early, the missing tail is emitted as log and metric events; with gaps inside, its
   * record lines are replaced at the end and its metrics and last lines (for the failure reason)
   * are recomputed from the whole log.
   */
  async recover(host: HostRun): Promise<void> {
    const recovery: Recovery = await recoverHostLog(host.container!, {
      host: host.name,
      received: host.received,
      lastReceived: host.lastLines.at(-1),
      keepLast: LAST_LINES_KEPT,
      emit: (line) => {
        this.onLine(line, host);
        return this.logFile.writableNeedDrain ? once(this.logFile, 'drain').then(() => undefined) : undefined;
      },
      parseMetrics: (line) => this.metrics.parse(line.message, line.host, line.timestamp),
    });
    if (recovery.kind !== 'gaps') return;
    const file = `${this.paths.logs}.${host.name}.complete`;
    if (!(await saveCompleteLog(host.container!, host.name, file))) return;
    host.complete = file;
    host.lastLines = recovery.lastLines;
    const others = this.samples.filter((sample) => sample.host !== host.name);
    this.samples.splice(0, this.samples.length, ...others, ...recovery.samples);
  }

  /** Closes the records; hosts whose lines were recovered get their complete lines in `logs.jsonl`. */
  async close(): Promise<void> {
    await Promise.all([closeStream(this.logFile), closeStream(this.metricFile)]);
    const complete = new Map(this.hosts.flatMap((h) => (h.complete ? [[h.name, h.complete] as const] : [])));
    await replaceHostLines(this.paths.logs, complete).catch((error: unknown) =>
      this.events.warnOnce(`could not complete the log record: ${(error as Error).message}`),
    );
  }
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(() => resolve()));
}

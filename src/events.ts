/**
 * What a running job tells its caller while it works: log lines, status changes, progress of
 * long transfers and warnings. Both backends emit the same events; the CLI renders them.
 */
import { EventEmitter } from 'node:events';

/** One line a training container printed. */
export interface LogLine {
  /** Host that printed it: `algo-1` … `algo-N`. */
  host: string;
  /** The line, without its trailing newline. */
  message: string;
  /** Epoch milliseconds when it was printed (or ingested, for CloudWatch). */
  timestamp: number;
  /** Output stream, when the backend knows it. */
  stream?: 'stdout' | 'stderr';
}

/** A status or secondary-status transition, as DescribeTrainingJob reports them. */
export interface StatusChange {
  status: string;
  secondaryStatus: string;
  /** The transition's status message, e.g. `Downloading input data`. */
  message?: string;
  timestamp: number;
}

/** Progress of one long operation: an upload, a download, an image pull, artifact packaging. */
export interface Progress {
  kind: 'upload' | 'download' | 'pull' | 'package' | 'build';
  /** What is being moved, e.g. `train -> s3://bucket/job/input/train/`. */
  label: string;
  /** Bytes (or steps) done so far. */
  loaded: number;
  /** Total bytes (or steps) when known. */
  total?: number;
  /** What `loaded` and `total` count; bytes when absent (build progress counts steps). */
  unit?: 'bytes' | 'layers' | 'steps';
  /** True on the last event of this operation. */
  done?: boolean;
}

/** A metric value parsed from the logs (local) or reported by SageMaker (aws). */
export interface MetricSample {
  name: string;
  value: number;
  timestamp: number;
  host?: string;
}

/** Event map of a job: event name → listener arguments. */
export interface JobEventMap {
  log: [LogLine];
  status: [StatusChange];
  progress: [Progress];
  metric: [MetricSample];
  /** Something the backend cannot honour or the user should know; said once. */
  warning: [string];
  /** Plain informational message for humans (e.g. "pulling image …"). */
  info: [string];
}

/**
 * Typed event emitter used by job handles and backends. The latest `status` is sticky: a
 * listener added after it was emitted (say, right after `fit({ wait: false })` returned) gets it
 * on the next microtask, so nobody misses where the job stands.
 */
export class JobEvents extends EventEmitter<JobEventMap> {
  private readonly warned = new Set<string>();
  private lastStatus: StatusChange | undefined;

  constructor() {
    super();
    (this as EventEmitter).on('newListener', (event: string | symbol, listener: (status: StatusChange) => void) => {
      const status = this.lastStatus;
      if (event === 'status' && status) queueMicrotask(() => listener(status));
    });
  }

  override emit<K extends keyof JobEventMap>(event: K, ...args: JobEventMap[K]): boolean {
    if (event === 'status') this.lastStatus = args[0] as StatusChange;
    return (super.emit as (event: K, ...args: JobEventMap[K]) => boolean)(event, ...args);
  }

  /** Emits a warning unless the same text was already emitted by this emitter. */
  warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.emit('warning', message);
  }
}

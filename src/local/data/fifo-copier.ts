/**
 * Fast path of Pipe mode for local files (no decompression): a worker thread copies the files
 * into the FIFO with plain blocking `read()`/`write()` calls through one reused buffer — the loop
 * `cat` runs. Writing through the event loop instead costs several system calls per 64 KiB (the
 * pipe's capacity: a partial write, a failed retry, an epoll wake-up) and measured 0.5-0.7x of
 * `cat file > fifo`; the worker matches it and leaves the main thread free for logs and metrics.
 *
 * The worker never waits for a reader: the main thread polls for one without blocking
 * (`waitForReader`) and holds that write end open until the worker has opened its own, so the
 * worker's `open()` returns at once. Its blocking `write()` on a full pipe (a reader that stopped
 * reading) can always be released: the main thread sets a shared flag and opens the FIFO for
 * reading itself ({@link drainFifo}), after which the worker sees the flag and stops. Node joins
 * worker threads when the process exits, so a worker still blocked then would make the process
 * unkillable; `exit-release.ts` releases it synchronously from the `exit` event.
 *
 * The worker's own code is in `fifo-worker-source.ts`.
 */
import { Worker } from 'node:worker_threads';
import { closeSync } from 'node:fs';
import { releaseAtExit } from './exit-release.js';
import { drainFifo } from './fifo.js';
import { CONTROL_BYTES, COPY_CHUNK, WORKER_SOURCE, type WorkerMessage } from './fifo-worker-source.js';
import { RECORDIO_MAGIC, RECORDIO_MAX_LENGTH } from './recordio.js';

/** Outcome of {@link FifoCopier.run}. */
export interface WorkerFeedResult {
  bytes: number;
  readerGone: boolean;
  aborted: boolean;
}

/** Raised when a file could not be read or framed; names the file. */
export class WorkerFeedError extends Error {
  constructor(
    readonly file: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerFeedError';
  }
}

/**
 * Copies a list of files into a FIFO from a worker thread. An `eager` copier starts its worker
 * (parked) right away — during staging, while containers start — so the ~50 ms a worker takes to
 * boot is not paid when feeding begins; a parked worker costs ~9 MB, so callers keep eager ones
 * few. Either way the FIFO is touched only once {@link run} is called.
 */
export class FifoCopier {
  private readonly control = new SharedArrayBuffer(CONTROL_BYTES);
  private worker: Worker | undefined;
  private finished: Promise<Extract<WorkerMessage, { type: 'done' }>> | undefined;
  private onProgress: ((bytes: number) => void) | undefined;
  private running: Promise<WorkerFeedResult> | undefined;

  constructor(
    private readonly fifo: string,
    private readonly files: readonly string[],
    private readonly recordIO: boolean,
    options: { eager?: boolean } = {},
  ) {
    if (options.eager) this.boot();
  }

  /** Starts the worker (parked until told to copy) unless it runs already. */
  private boot(): { worker: Worker; finished: Promise<Extract<WorkerMessage, { type: 'done' }>> } {
    if (this.worker && this.finished) return { worker: this.worker, finished: this.finished };
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: {
        fifo: this.fifo,
        files: this.files,
        recordIO: this.recordIO,
        chunk: COPY_CHUNK,
        magic: RECORDIO_MAGIC,
        maxLength: RECORDIO_MAX_LENGTH,
        control: this.control,
      },
    });
    const finished = new Promise<Extract<WorkerMessage, { type: 'done' }>>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'opened') return;
        if (message.type === 'progress') this.onProgress?.(message.bytes);
        else resolve(message);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the Pipe-mode worker exited with code ${code}`)));
    });
    // Errors are read through run(); an unused copier must not cause an unhandled rejection.
    finished.catch(() => undefined);
    this.worker = worker;
    this.finished = finished;
    return { worker, finished };
  }

  /**
   * Starts copying once a reader is there and resolves when everything was written, the reader
   * went away, or `signal` aborted. `readerFd` is a write descriptor on the FIFO from
   * `waitForReader` (proof that a reader has it open); it is held until the worker has opened its
   * own, so the reader never sees end-of-file in between, then closed. Calling it again returns
   * the same result.
   */
  run(signal: AbortSignal, readerFd: number, onProgress?: (bytes: number) => void): Promise<WorkerFeedResult> {
    this.onProgress = onProgress;
    if (this.running) closeQuietly(readerFd);
    this.running ??= this.execute(signal, readerFd);
    return this.running;
  }

  /** Stops the worker; a running copy must have been aborted through its signal first. */
  async dispose(): Promise<void> {
    if (this.running) await this.running.catch(() => undefined);
    else await this.worker?.terminate();
  }

  private async execute(signal: AbortSignal, readerFd: number): Promise<WorkerFeedResult> {
    if (signal.aborted) {
      closeQuietly(readerFd);
      await this.worker?.terminate();
      return { bytes: 0, readerGone: false, aborted: true };
    }
    const { worker, finished } = this.boot();
    let held: number | undefined = readerFd;
    const release = () => {
      if (held !== undefined) closeQuietly(held);
      held = undefined;
    };
    worker.on('message', (message: WorkerMessage) => message.type !== 'progress' && release());
    void finished.finally(release).catch(() => undefined);
    const unregister = releaseAtExit(this.fifo, this.control);
    let draining: Promise<void> | undefined;
    const onAbort = () => {
      Atomics.store(new Int32Array(this.control), 0, 1);
      draining = drainFifo(
        this.fifo,
        finished.catch(() => undefined),
      );
    };
    signal.addEventListener('abort', onAbort, { once: true });
    worker.postMessage('start');
    try {
      const done = await finished;
      if (done.error && !signal.aborted) throw new WorkerFeedError(done.file, done.error);
      this.onProgress?.(done.bytes);
      return { bytes: done.bytes, readerGone: done.readerGone, aborted: signal.aborted };
    } finally {
      signal.removeEventListener('abort', onAbort);
      await draining;
      release();
      unregister();
      await worker.terminate();
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

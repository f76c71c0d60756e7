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
 * The worker's code is plain JavaScript evaluated from a string, so it runs the same from the
 * TypeScript sources (tests, tsx) and from the compiled package.
 */
import { Worker } from 'node:worker_threads';
import { closeSync } from 'node:fs';
import { releaseAtExit } from './exit-release.js';
import { drainFifo } from './fifo.js';
import { RECORDIO_MAGIC, RECORDIO_MAX_LENGTH } from './recordio.js';

/**
 * Size of the worker's copy buffer: 64 KiB, the default pipe capacity. Measured here, it beats
 * larger buffers (128 KiB: -20%, 1 MiB: -40%), as the buffer stays in the CPU cache.
 */
const COPY_CHUNK = 64 * 1024;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { fifo, files, recordIO, chunk, magic, maxLength, control } = workerData;
// [0] abort requested (main), [1] copy finished and FIFO closed (worker), [2] copy started (worker).
const aborted = new Int32Array(control);
const ABORT = Symbol('abort');
let out;
let bytes = 0;
let lastProgress = Date.now();
const result = { readerGone: false, error: undefined, file: undefined };
function copy() {
Atomics.store(aborted, 2, 1);
function writeAll(buffer, length) {
  let offset = 0;
  while (offset < length) {
    if (Atomics.load(aborted, 0)) throw ABORT;
    offset += fs.writeSync(out, buffer, offset, length - offset);
  }
  bytes += length;
  const now = Date.now();
  if (now - lastProgress >= 500) {
    lastProgress = now;
    parentPort.postMessage({ type: 'progress', bytes });
  }
}
try {
  out = fs.openSync(fifo, fs.constants.O_WRONLY);
  parentPort.postMessage({ type: 'opened' });
  const buffer = Buffer.allocUnsafe(chunk);
  for (const file of files) {
    result.file = file;
    if (Atomics.load(aborted, 0)) throw ABORT;
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (recordIO) {
        if (size > maxLength) throw new Error(size + ' bytes do not fit in one RecordIO record (at most ' + maxLength + ')');
        const header = Buffer.alloc(8);
        header.writeUInt32LE(magic, 0);
        header.writeUInt32LE(size, 4);
        writeAll(header, 8);
      }
      let read = 0;
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, chunk, null);
        if (n === 0) break;
        read += n;
        writeAll(buffer, n);
      }
      if (recordIO) {
        if (read !== size) throw new Error('expected ' + size + ' bytes but read ' + read);
        const pad = (4 - (size % 4)) % 4;
        if (pad) writeAll(Buffer.alloc(pad), pad);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
} catch (error) {
  if (error === ABORT) {
    // stopped on request
  } else if (error && (error.code === 'EPIPE' || error.code === 'ECONNRESET')) {
    result.readerGone = true;
  } else {
    result.error = error && error.message ? error.message : String(error);
  }
} finally {
  if (out !== undefined) fs.closeSync(out);
  Atomics.store(aborted, 1, 1);
}
parentPort.postMessage({ type: 'done', bytes, ...result });
}
// Parked until the feeder says so: the FIFO is not touched before feeding is asked for.
parentPort.once('message', copy);
`;

/** Outcome of {@link feedFilesWithWorker}. */
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

type WorkerMessage =
  | { type: 'opened' }
  | { type: 'progress'; bytes: number }
  | { type: 'done'; bytes: number; readerGone: boolean; error?: string; file?: string };

/**
 * Copies a list of files into a FIFO from a worker thread. An `eager` copier starts its worker
 * (parked) right away — during staging, while containers start — so the ~50 ms a worker takes to
 * boot is not paid when feeding begins; a parked worker costs ~9 MB, so callers keep eager ones
 * few. Either way the FIFO is touched only once {@link run} is called.
 */
export class FifoCopier {
  private readonly control = new SharedArrayBuffer(12);
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

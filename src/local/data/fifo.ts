/**
 * Named pipes (FIFOs) for Pipe mode, written without ever blocking Node's thread pool.
 *
 * Opening a FIFO for writing blocks until a reader opens it, and a blocking `fs.open` would hold
 * one of libuv's four pool threads (stalling every other file operation) for as long as the
 * container takes to open its pipe — forever if it never does. So the FIFO is opened with
 * `O_NONBLOCK`, which fails with `ENXIO` while there is no reader, and retried on a short timer
 * until a reader appears or the signal aborts. The open descriptor is wrapped in a `net.Socket`,
 * which writes through the event loop with real backpressure and reports a reader that went away
 * as `EPIPE` instead of killing the process with SIGPIPE. Since no open ever blocks, aborting
 * needs no trick (such as opening the FIFO for reading ourselves) to release a stuck writer.
 */
import { execFile } from 'node:child_process';
import { close, constants, open } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const openAsync = promisify(open);
const closeAsync = promisify(close);

/** Creates a FIFO at `file` readable and writable by any user (containers may not run as root). */
export async function makeFifo(file: string): Promise<void> {
  await rm(file, { force: true });
  try {
    // Node has no mkfifo(); coreutils' does it, and -m sets the mode without the umask.
    await execFileAsync('mkfifo', ['-m', '0666', file]);
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new Error(`cannot create the Pipe-mode FIFO ${file}: ${detail}`, { cause: error });
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Waits until a reader has the FIFO open and returns a non-blocking write descriptor on it;
 * `undefined` when `signal` aborted first. Polls every few milliseconds at first, then every 50 ms.
 */
export async function waitForReader(file: string, signal: AbortSignal): Promise<number | undefined> {
  let delay = 2;
  while (!signal.aborted) {
    try {
      const fd = await openAsync(file, constants.O_WRONLY | constants.O_NONBLOCK);
      if (!signal.aborted) return fd;
      await closeAsync(fd);
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
    await sleep(delay, signal);
    delay = Math.min(50, delay * 2);
  }
  return undefined;
}

/**
 * Opens the FIFO for reading ourselves and throws away whatever arrives until `until` settles:
 * this releases a writer blocked in `open()` or in a full pipe's `write()` (in a worker thread),
 * so it can notice it was aborted.
 */
export async function drainFifo(file: string, until: Promise<unknown>): Promise<void> {
  let fd: number;
  try {
    fd = await openAsync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    await until; // the FIFO is gone: nobody can be blocked on it
    return;
  }
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('error', () => undefined);
  socket.resume();
  try {
    await until;
  } finally {
    socket.destroy();
  }
}

/**
 * A writer on an open FIFO that turns "the reader went away" into a flag instead of an error:
 * a container may stop reading whenever it likes.
 */
export class FifoWriter {
  private closedByReader = false;
  private failure: Error | undefined;
  private readonly settled: Promise<void>;
  /** Bytes accepted by the kernel pipe (or queued for it). */
  bytes = 0;

  constructor(private readonly socket: Socket) {
    this.settled = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') this.closedByReader = true;
      else this.failure = error;
    });
  }

  /** True once the reader closed its end. */
  get readerGone(): boolean {
    return this.closedByReader;
  }

  /** Writes a chunk, waiting while the pipe is full. Returns false when the reader is gone. */
  async write(chunk: Buffer): Promise<boolean> {
    if (this.failure) throw this.failure;
    if (this.closedByReader || this.socket.destroyed) return false;
    this.bytes += chunk.length;
    if (this.socket.write(chunk)) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
    if (this.failure) throw this.failure;
    return !this.closedByReader && !this.socket.destroyed;
  }

  /** Flushes what is queued and closes the pipe, so the reader sees end-of-file. */
  async end(): Promise<void> {
    if (!this.socket.destroyed) this.socket.end();
    await this.settled;
    if (this.failure) throw this.failure;
  }

  /** Closes at once, dropping anything still queued. */
  async destroy(): Promise<void> {
    this.socket.destroy();
    await this.settled;
  }
}

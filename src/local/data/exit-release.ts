/**
 * Releases Pipe-mode worker threads still blocked in a FIFO `write()` when the process exits.
 *
 * Node joins every worker thread on exit, and a thread blocked in a system call cannot be
 * terminated: a worker writing into a pipe its reader stopped reading would keep the process
 * alive forever, deaf to every signal (seen as the main thread in `futex_do_wait` and the
 * worker in `pipe_write`/`wait_for_partner`). The `exit` event still runs on the main thread
 * before that join, so from there each live copier is told to stop (shared flag) and its FIFO is
 * opened for reading and drained without blocking until the worker reports it has closed the
 * pipe, bounded so that exit itself can never hang here.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';

/** How long exit may spend releasing one worker (it takes microseconds when it works at all). */
const RELEASE_BOUND_MS = 2000;

interface Blocked {
  fifo: string;
  control: SharedArrayBuffer;
}

const live = new Set<Blocked>();
let hooked = false;

/**
 * Registers a copier's FIFO and control words ([0] abort, [1] finished, [2] started) for release
 * at exit; returns the function that unregisters it.
 */
export function releaseAtExit(fifo: string, control: SharedArrayBuffer): () => void {
  const entry = { fifo, control };
  live.add(entry);
  if (!hooked) {
    hooked = true;
    process.on('exit', releaseAll);
  }
  return () => void live.delete(entry);
}

/** Releases every registered worker now (synchronously). */
function releaseAll(): void {
  for (const entry of live) releaseOne(entry);
  live.clear();
}

function releaseOne({ fifo, control }: Blocked): void {
  const flags = new Int32Array(control);
  Atomics.store(flags, 0, 1);
  if (Atomics.load(flags, 2) === 0 || Atomics.load(flags, 1) === 1) return;
  let fd: number;
  try {
    // O_NONBLOCK: opening for reading never waits, even with no writer.
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return; // the FIFO is gone, so nobody can be blocked on it
  }
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + RELEASE_BOUND_MS;
  try {
    while (Atomics.load(flags, 1) === 0 && Date.now() < deadline) {
      try {
        while (readSync(fd, buffer) > 0);
      } catch {
        // EAGAIN: nothing to read right now
      }
      Atomics.wait(pause, 0, 0, 2);
    }
  } finally {
    closeSync(fd);
  }
}

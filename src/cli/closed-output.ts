/**
 * What the CLI does when the reader of its stdout or stderr goes away (`sagekit … | head`, or a
 * parent that exited): EPIPE.
 *
 * By default that is the reader's choice and the command simply ends (exit 0), as `sagekit logs
 * JOB | head` should. A command that owns running work (`train`) asks to be told instead, and
 * ends it the way an interrupt would — stop, grace period, kill, artifacts kept — rather than
 * exiting in the middle and leaving a job record InProgress with its containers behind. Either
 * way nothing more is written to the closed stream, and no error about it escapes.
 */
import type { Writable } from 'node:stream';

const closed = new AbortController();
let deferred = false;

/** Watches `streams` for a closed reader; called once by the `sagekit` binary. */
export function handleClosedOutput(streams: Writable[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      if (!deferred) process.exit(0);
      closed.abort();
    });
  }
}

/**
 * From now on a closed output no longer ends the process; the returned signal aborts when it
 * happens (possibly already), and the caller ends its work.
 */
export function deferExitOnClosedOutput(): AbortSignal {
  deferred = true;
  return closed.signal;
}

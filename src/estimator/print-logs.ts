/**
 * What a waiting `fit()` prints when the caller has not taken the events themselves, as the
 * Python SDK's `fit(logs=True)` does: every log line on stdout (prefixed by host when there are
 * several), status changes and warnings on stderr.
 */
import type { JobEvents } from '../events.js';

/** Where the lines go (process.stdout/stderr by default; tests pass their own). */
export interface PrintTargets {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

/** Prints the job's events as they come; returns a function that stops printing. */
export function printJobEvents(events: JobEvents, hosts: number, targets: PrintTargets = { out: process.stdout, err: process.stderr }): () => void {
  const onLog = (line: { host: string; message: string }) => targets.out.write(`${hosts > 1 ? `${line.host} | ` : ''}${line.message}\n`);
  const onStatus = (s: { secondaryStatus: string; message?: string; timestamp: number }) =>
    targets.err.write(`${new Date(s.timestamp).toISOString().slice(11, 19)} ${s.secondaryStatus}${s.message ? ` - ${s.message}` : ''}\n`);
  const onWarning = (message: string) => targets.err.write(`warning: ${message}\n`);
  events.on('log', onLog);
  events.on('status', onStatus);
  events.on('warning', onWarning);
  return () => {
    events.off('log', onLog);
    events.off('status', onStatus);
    events.off('warning', onWarning);
  };
}

/** `sagekit logs` filters as docker users know them: `--tail N`, `--since T`, `--host H`. */
import { UsageError } from '../../errors.js';
import type { LogLine } from '../../events.js';
import type { TrainingJob } from '../../job.js';

/** The filter flags as commander gives them. */
export interface LogFilterFlags {
  tail?: string;
  since?: string;
  host?: string;
}

/** A parsed filter. */
export interface LogFilter {
  tail?: number;
  matches(line: LogLine): boolean;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO time, or a duration back from `now` (30s, 10m, 2h, 1d). */
export function parseSince(text: string, now = Date.now()): number {
  const ago = /^(\d+)([smhd])$/.exec(text.trim());
  if (ago) return now - Number(ago[1]) * UNITS[ago[2]!]!;
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new UsageError(`--since ${JSON.stringify(text)}: must be an ISO time (2026-12-01T10:00:00Z) or a duration back (30s, 10m, 2h, 1d)`);
  return time;
}

/** Validates the flags (UsageError naming flag, value and rule) and builds the filter. */
export function parseLogFilter(flags: LogFilterFlags, now = Date.now()): LogFilter {
  let tail: number | undefined;
  if (flags.tail !== undefined) {
    tail = Number(flags.tail);
    if (!Number.isInteger(tail) || tail < 0) throw new UsageError(`--tail ${JSON.stringify(flags.tail)}: must be a whole number of lines (0 or more)`);
  }
  if (flags.host !== undefined && !/^algo-\d+$/.test(flags.host)) {
    throw new UsageError(`--host ${JSON.stringify(flags.host)}: must be a host name like algo-1`);
  }
  const since = flags.since === undefined ? undefined : parseSince(flags.since, now);
  return {
    ...(tail !== undefined && { tail }),
    matches: (line) => (flags.host === undefined || line.host === flags.host) && (since === undefined || line.timestamp >= since),
  };
}

/** How many recorded lines match the filter now (for `--tail`). */
export async function countLines(job: TrainingJob, filter: LogFilter): Promise<number> {
  let count = 0;
  for await (const line of job.logs({ follow: false })) if (filter.matches(line)) count++;
  return count;
}

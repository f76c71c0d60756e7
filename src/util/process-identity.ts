/**
 * Which process a recorded pid names. A pid alone is not an identity: once its process ends the
 * kernel hands the number to the next process started, so "is pid N alive?" can say yes about
 * an unrelated program, and a signal sent to N reaches it. A process is named here by its pid
 * and its start time, read from /proc/<pid>/stat (Linux: field 22, clock ticks since boot) or,
 * elsewhere, from `ps -o lstart=`; two processes never share both.
 */
import { readFile } from 'node:fs/promises';

/** A process as recorded by its owner: pid and start time (absent where none can be read). */
export interface ProcessIdentity {
  pid: number;
  startTime?: string;
}

/** Field 22 of /proc/<pid>/stat; the command name (field 2) may hold spaces and parentheses. */
async function procStartTime(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (the state: Z for a process that ended and was not reaped yet), field 22 is fields[19].
  return fields[0] === 'Z' ? undefined : fields[19];
}

/** `ps -o lstart= -p <pid>` (macOS, BSDs): the start date to the second. */
async function psStartTime(pid: number): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'lstart=', '-p', String(pid)], { timeout: 5000 }, (error, stdout) => {
      const text = stdout.trim();
      resolve(error || !text ? undefined : text);
    });
  });
}

/** The start time of process `pid`, or undefined when there is no such process (or no way to tell). */
function processStartTime(pid: number): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return Promise.resolve(undefined);
  return process.platform === 'linux' ? procStartTime(pid) : psStartTime(pid);
}

/** True when a process with this pid exists (it may be another process than the one recorded). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where start times can be read at all (every platform but Windows). */
const START_TIMES_READABLE = process.platform !== 'win32';

/** The identity of `pid` now (this process when omitted). */
export async function identify(pid = process.pid): Promise<ProcessIdentity> {
  const startTime = await processStartTime(pid);
  return { pid, ...(startTime !== undefined && { startTime }) };
}

/**
 * True when the process recorded as `identity` still runs: same pid and same start time. A
 * record without a start time matches nothing where start times can be read (it was not made by
 * a process that recorded itself; on Windows, where none can, the pid alone decides).
 */
export async function stillRunning(identity: ProcessIdentity | undefined): Promise<boolean> {
  if (!identity || !Number.isInteger(identity.pid) || identity.pid <= 0) return false;
  if (!START_TIMES_READABLE) return pidExists(identity.pid);
  if (identity.startTime === undefined) return false;
  return (await processStartTime(identity.pid)) === identity.startTime;
}

/** Sends `signal` to the recorded process only if it is still that process; true when sent. */
export async function signalIfSame(identity: ProcessIdentity | undefined, signal: NodeJS.Signals): Promise<boolean> {
  if (!identity || !(await stillRunning(identity))) return false;
  try {
    process.kill(identity.pid, signal);
    return true;
  } catch {
    return false;
  }
}

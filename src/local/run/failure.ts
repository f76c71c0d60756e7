/** The FailureReason of a local job: a host's own failure file or its last lines, or the error that stopped the run. */
import path from 'node:path';
import { SagekitError } from '../../errors.js';
import { readContainedText } from '../../util/contained-fs.js';
import { explainStartFailure } from '../start-failure.js';
import type { HostRun } from './host-run.js';
import type { JobRecord } from './status-record.js';
import { FAILURE_REASON_MAX } from './status-record.js';

/** FailureReason text for an error raised before or around the containers. */
export function failureText(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  // sagekit's own errors (bad input, a missing image, unreadable channel data) are the user's to fix.
  const kind = error instanceof SagekitError ? 'ClientError' : 'InternalServerError';
  return `${kind}: ${message}`.slice(0, FAILURE_REASON_MAX);
}

/** Why a host failed: what `train` wrote to /opt/ml/output/failure, else its exit code and last lines. */
export async function hostFailure(host: HostRun): Promise<string> {
  // The container wrote this folder: a failure file that is a link (to a host file) or a FIFO is not read.
  const output = path.join(host.dir, 'output');
  const written = ((await readContainedText(output, path.join(output, 'failure'), FAILURE_REASON_MAX * 4)) ?? '').trim();
  if (written) return written.slice(0, FAILURE_REASON_MAX);
  const tail = host.lastLines.slice(-3).join(' | ');
  return `AlgorithmError: the training container on ${host.name} exited with code ${host.exitCode}${tail ? `; last lines: ${tail}` : ''}`.slice(
    0,
    FAILURE_REASON_MAX,
  );
}

/**
 * An engine may report a `train` it cannot execute from the start, the attach or the wait
 * (Podman with an attached session answers the attach with 409). When no host printed
 * anything, nothing ran: the error names the fix and there is nothing to package.
 */
export async function explainNotRunnable(error: unknown, hosts: HostRun[], record: JobRecord): Promise<unknown> {
  const container = hosts[0]?.container;
  if (!container || hosts.some((h) => h.received > 0)) return error;
  const explained = await explainStartFailure(error, container);
  if (explained !== error) record.update({ TrainingStartTime: undefined });
  return explained;
}

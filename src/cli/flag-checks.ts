/**
 * Checks of command-line values that commander takes as plain strings: a wrong one is refused
 * (exit 2, naming flag, value and rule) instead of quietly matching nothing.
 */
import { UsageError } from '../errors.js';

/** Training job statuses, as SageMaker spells them. */
export const JOB_STATUSES = ['InProgress', 'Completed', 'Failed', 'Stopping', 'Stopped'] as const;

/** One of `allowed`, matched case-insensitively and returned as spelled there. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
  if (match) return match;
  const close = allowed.find((candidate) => candidate.toLowerCase().startsWith(value.trim().toLowerCase().slice(0, 3)));
  throw new UsageError(`${flag} ${JSON.stringify(value)}: must be one of ${allowed.join(', ')}`, close ? `did you mean ${flag} ${close}?` : undefined);
}

/** A whole number from `min` up. */
export function wholeNumber(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} ${JSON.stringify(value)}: must be a whole number of at least ${min}`);
  }
  return n;
}

/** `sagekit list --status`: SageMaker's statuses; "Running" is what SageMaker calls InProgress. */
export function jobStatus(value: string): (typeof JOB_STATUSES)[number] {
  if (/^running$/i.test(value.trim())) {
    throw new UsageError(`--status ${JSON.stringify(value)}: must be one of ${JOB_STATUSES.join(', ')}`, 'a running job is InProgress: --status InProgress');
  }
  return oneOf('--status', value, JOB_STATUSES);
}

/** Which jobs and instance types run on this machine (the local backend) rather than on SageMaker. */
import type { EstimatorOptions } from './options.js';

/** Instance types that run on this machine. */
export const LOCAL_INSTANCE_TYPES = ['local', 'local_gpu'] as const;

/** True when `instanceType` selects the local backend. */
export function isLocalInstanceType(instanceType: string | undefined): boolean {
  return (LOCAL_INSTANCE_TYPES as readonly string[]).includes(instanceType ?? '');
}

/** Every instance type of a job: `instanceType`, or each group's (validation keeps them all local or all cloud). */
export function jobInstanceTypes(options: Pick<EstimatorOptions, 'instanceType' | 'instanceGroups'>): string[] {
  if (options.instanceType !== undefined) return [options.instanceType];
  return (options.instanceGroups ?? []).map((group) => group.instanceType);
}

/** Local job detection that tolerates unvalidated input: `instanceType`, else the first group's type. */
export function isLocalJobInput(options: Record<string, unknown>): boolean {
  if (typeof options.instanceType === 'string') return isLocalInstanceType(options.instanceType);
  const first: unknown = Array.isArray(options.instanceGroups) ? options.instanceGroups[0] : undefined;
  const type = typeof first === 'object' && first !== null ? (first as Record<string, unknown>).instanceType : undefined;
  return typeof type === 'string' && isLocalInstanceType(type);
}

/** True when the job runs on this machine (`instanceType: local`, or local instance groups). */
export function isLocalJob(options: Pick<EstimatorOptions, 'instanceType' | 'instanceGroups'>): boolean {
  return isLocalInstanceType(jobInstanceTypes(options)[0]);
}

/**
 * A cloud job's instance type checked against SageMaker's training instance types, so a typo
 * (`ml.m5.xlarg`) is refused before any upload or API call, with the closest real type.
 */
import type { ValidationIssue } from '../errors.js';
import { closest } from '../util/suggest.js';
import { TRAINING_INSTANCE_TYPES } from './training-instance-types.js';

const KNOWN = new Set(TRAINING_INSTANCE_TYPES);

/** The issue with `instanceType` (an `ml.*` name), or undefined when SageMaker trains on it. */
export function trainingInstanceTypeIssue(instanceType: string, path = 'instanceType'): ValidationIssue | undefined {
  if (KNOWN.has(instanceType)) return undefined;
  const suggestion = closest(instanceType, TRAINING_INSTANCE_TYPES);
  return {
    path,
    value: instanceType,
    rule: `is not a SageMaker training instance type${suggestion ? `; did you mean "${suggestion}"?` : ' (see the SageMaker pricing page for the list)'}`,
  };
}

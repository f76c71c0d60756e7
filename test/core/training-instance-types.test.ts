/** The generated list of training instance types is the installed AWS SDK's, and typos get the closest one. */
import { TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import { expect, it } from 'vitest';
import { trainingInstanceTypeIssue } from '../../src/estimator/instance-type-check.js';
import { TRAINING_INSTANCE_TYPES } from '../../src/estimator/training-instance-types.js';

it('matches the SDK enum (regenerate with node scripts/gen-training-instance-types.mjs)', () => {
  expect([...TRAINING_INSTANCE_TYPES]).toEqual([...new Set(Object.values(TrainingInstanceType))].sort());
});

it('accepts real types and suggests the closest for a typo', () => {
  expect(trainingInstanceTypeIssue('ml.g5.xlarge')).toBeUndefined();
  expect(trainingInstanceTypeIssue('ml.m5.xlarg')?.rule).toContain('did you mean "ml.m5.xlarge"?');
  expect(trainingInstanceTypeIssue('ml.zz9.huge')?.rule).toMatch(/^is not a SageMaker training instance type/);
});

import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import { describe, expect, it } from 'vitest';
import { listTrainingJobs } from './list-jobs.js';

const job = (name: string, status: DescribeTrainingJobResponse['TrainingJobStatus'], createdSeconds: number): DescribeTrainingJobResponse => ({
  TrainingJobName: name,
  TrainingJobArn: `arn:aws:sagemaker:us-east-1:000000000000:training-job/${name}`,
  TrainingJobStatus: status,
  SecondaryStatus: status === 'InProgress' ? 'Training' : 'Completed',
  CreationTime: new Date(createdSeconds * 1000),
  LastModifiedTime: new Date(createdSeconds * 1000),
  AlgorithmSpecification: undefined,
  ModelArtifacts: undefined,
  ResourceConfig: undefined,
  StoppingCondition: undefined,
});

const docs = [job('beta', 'Completed', 200), job('alpha', 'InProgress', 300), job('gamma-x', 'Failed', 100)];
const names = (input: Record<string, unknown>) => listTrainingJobs(docs, input).TrainingJobSummaries.map((s) => s.TrainingJobName);

describe('listTrainingJobs', () => {
  it('sorts by creation time ascending by default, as the API reference says', () => {
    expect(names({})).toEqual(['gamma-x', 'beta', 'alpha']);
    expect(names({ SortBy: 'Name', SortOrder: 'Descending' })).toEqual(['gamma-x', 'beta', 'alpha']);
    expect(names({ SortBy: 'Name' })).toEqual(['alpha', 'beta', 'gamma-x']);
  });

  it('filters by name (case-insensitively), status and creation time (epoch seconds)', () => {
    expect(names({ NameContains: 'X' })).toEqual(['gamma-x']);
    expect(names({ StatusEquals: 'InProgress' })).toEqual(['alpha']);
    expect(names({ CreationTimeAfter: 150, CreationTimeBefore: 250 })).toEqual(['beta']);
  });

  it('pages with MaxResults and NextToken', () => {
    const first = listTrainingJobs(docs, { MaxResults: 2 });
    expect(first.TrainingJobSummaries.map((s) => s.TrainingJobName)).toEqual(['gamma-x', 'beta']);
    const second = listTrainingJobs(docs, { MaxResults: 2, NextToken: first.NextToken });
    expect(second.TrainingJobSummaries.map((s) => s.TrainingJobName)).toEqual(['alpha']);
    expect(second.NextToken).toBeUndefined();
  });

  it('rejects bad parameters with ValidationException', () => {
    expect(() => listTrainingJobs(docs, { MaxResults: 0 })).toThrow(expect.objectContaining({ code: 'ValidationException' }));
    expect(() => listTrainingJobs(docs, { SortBy: 'Size' })).toThrow(/Member must satisfy enum value set: \[Name, CreationTime, Status\]/);
    expect(() => listTrainingJobs(docs, { NextToken: 'garbage' })).toThrow('Invalid pagination token');
  });
});

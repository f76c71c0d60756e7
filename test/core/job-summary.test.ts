import { describe, expect, it } from 'vitest';
import { jobSummary } from '../../src/job.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

describe('jobSummary: one row shape and one duration for both backends', () => {
  it('measures from the training start to the end when the record has both', () => {
    const row = jobSummary('local', {
      TrainingJobName: 'j',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      CreationTime: new Date('2026-01-01T00:00:00Z'),
      TrainingStartTime: new Date('2026-01-01T00:01:00Z'),
      TrainingEndTime: new Date('2026-01-01T00:03:30Z'),
    });
    expect(row).toEqual({
      name: 'j',
      backend: 'local',
      status: 'Completed',
      secondaryStatus: 'Completed',
      creationTime: Date.parse('2026-01-01T00:00:00Z'),
      trainingStartTime: Date.parse('2026-01-01T00:01:00Z'),
      endTime: Date.parse('2026-01-01T00:03:30Z'),
      durationSeconds: 150,
    });
  });

  it('counts to now while the job runs', () => {
    const row = jobSummary(
      'local',
      { TrainingJobName: 'r', TrainingJobStatus: 'InProgress', CreationTime: new Date(NOW - 600_000), TrainingStartTime: new Date(NOW - 60_000) },
      NOW,
    );
    expect(row.durationSeconds).toBe(60);
    expect(row.endTime).toBeUndefined();
  });

  it('starts at the creation time where no start is known (a SageMaker list summary, a job still starting)', () => {
    const listed = jobSummary('aws', { TrainingJobName: 'a', TrainingJobStatus: 'Completed', CreationTime: new Date(1000), TrainingEndTime: new Date(61_000) });
    expect(listed).toEqual({ name: 'a', backend: 'aws', status: 'Completed', creationTime: 1000, endTime: 61_000, durationSeconds: 60 });
    const starting = jobSummary('local', { TrainingJobName: 's', TrainingJobStatus: 'InProgress', CreationTime: new Date(NOW - 5000) }, NOW);
    expect(starting.durationSeconds).toBe(5);
  });

  it('accepts the ISO strings of a JSON record', () => {
    const row = jobSummary('local', {
      TrainingJobName: 'x',
      CreationTime: '2026-01-01T00:00:00Z' as unknown as Date,
      TrainingEndTime: '2026-01-01T00:00:02Z' as unknown as Date,
    });
    expect(row).toMatchObject({ status: 'Unknown', durationSeconds: 2 });
  });
});

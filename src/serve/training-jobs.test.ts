import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingJobService } from './training-jobs.js';

let stateDir: string;
let service: TrainingJobService;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-serve-jobs-'));
  const dir = path.join(stateDir, 'jobs', 'done-job');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'describe.json'),
    JSON.stringify({
      TrainingJobName: 'done-job',
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      CreationTime: '2026-01-01T00:00:00.000Z',
      SecondaryStatusTransitions: [{ Status: 'Completed', StartTime: '2026-01-01T00:00:01.500Z' }],
    }),
  );
  service = new TrainingJobService({ stateDir, log: () => undefined });
});

afterAll(() => rm(stateDir, { recursive: true, force: true }));

describe('TrainingJobService over records', () => {
  it('describes a record with awsJson timestamps (epoch seconds)', async () => {
    expect(await service.describe({ TrainingJobName: 'done-job' })).toMatchObject({
      CreationTime: 1767225600,
      SecondaryStatusTransitions: [{ Status: 'Completed', StartTime: 1767225601.5 }],
    });
  });

  it('lists records, with an ARN for records written without one', async () => {
    expect(await service.list({}, { region: 'eu-west-1', accountId: '123456789012' })).toEqual({
      TrainingJobSummaries: [
        expect.objectContaining({
          TrainingJobName: 'done-job',
          TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/done-job',
          CreationTime: 1767225600,
        }),
      ],
    });
  });

  it('refuses a stop of an ended job and names that are not job names', async () => {
    await expect(service.stop({ TrainingJobName: 'done-job' })).rejects.toMatchObject({
      code: 'ValidationException',
      message: 'The request was rejected because the training job is in status Completed.',
    });
    await expect(service.describe({ TrainingJobName: '../jobs/done-job' })).rejects.toMatchObject({ code: 'ValidationException' });
    await expect(service.describe({ TrainingJobName: 'missing' })).rejects.toMatchObject({
      code: 'ValidationException',
      message: 'Requested resource not found.',
    });
    await expect(service.stop({ TrainingJobName: 'missing' })).rejects.toMatchObject({ code: 'ResourceNotFound' });
  });
});

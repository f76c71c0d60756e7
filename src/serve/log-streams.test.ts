import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogsService } from './logs-service.js';
import { textFilter } from './log-streams.js';

let stateDir: string;
let logs: Record<string, (input: Record<string, unknown>) => Promise<unknown>>;
const group = '/aws/sagemaker/TrainingJobs';
const start = Date.UTC(2026, 0, 1) / 1000;
const stream = `job-a/algo-1-${start}`;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-serve-logs-'));
  const dir = path.join(stateDir, 'jobs', 'job-a');
  await mkdir(dir, { recursive: true });
  const iso = new Date(start * 1000).toISOString();
  await writeFile(
    path.join(dir, 'describe.json'),
    JSON.stringify({
      TrainingJobName: 'job-a',
      CreationTime: iso,
      TrainingStartTime: iso,
      ResourceConfig: { InstanceCount: 2 },
      TrainingJobStatus: 'InProgress',
    }),
  );
  const lines = ['one', 'two', 'three', 'four', 'five'].map((message, i) => JSON.stringify({ host: 'algo-1', message, timestamp: start * 1000 + i }));
  // The last line is still being written: no newline yet, so it is not an event yet.
  await writeFile(path.join(dir, 'logs.jsonl'), `${lines.join('\n')}\n{"host":"algo-1","mess`);
  const operations = new LogsService(stateDir).operations();
  const scope = { region: 'us-east-1', accountId: '123456789012' };
  logs = Object.fromEntries(Object.entries(operations).map(([name, operation]) => [name, (input: Record<string, unknown>) => operation(input, scope)]));
});

afterAll(() => rm(stateDir, { recursive: true, force: true }));

const messages = (answer: unknown) => (answer as { events: Array<{ message: string }> }).events.map((e) => e.message);

describe('CloudWatch Logs over job records', () => {
  it('names one stream per host as SageMaker does', async () => {
    const answer = (await logs.DescribeLogStreams!({ logGroupName: group, logStreamNamePrefix: 'job-a/' })) as { logStreams: Array<{ logStreamName: string }> };
    expect(answer.logStreams.map((s) => s.logStreamName)).toEqual([stream, `job-a/algo-2-${start}`]);
  });

  it('pages GetLogEvents: the tail by default, from the head on request, forward and backward tokens', async () => {
    const tail = (await logs.GetLogEvents!({ logGroupName: group, logStreamName: stream, limit: 2 })) as {
      nextBackwardToken: string;
      nextForwardToken: string;
    };
    expect(messages(tail)).toEqual(['four', 'five']);
    expect(messages(await logs.GetLogEvents!({ logGroupName: group, logStreamName: stream, limit: 2, nextToken: tail.nextBackwardToken }))).toEqual([
      'two',
      'three',
    ]);
    const head = (await logs.GetLogEvents!({ logGroupName: group, logStreamName: stream, limit: 3, startFromHead: true })) as { nextForwardToken: string };
    expect(messages(head)).toEqual(['one', 'two', 'three']);
    const rest = (await logs.GetLogEvents!({ logGroupName: group, logStreamName: stream, nextToken: head.nextForwardToken })) as { nextForwardToken: string };
    expect(messages(rest)).toEqual(['four', 'five']);
    expect(await logs.GetLogEvents!({ logGroupName: group, logStreamName: stream, nextToken: rest.nextForwardToken })).toEqual({
      events: [],
      nextForwardToken: rest.nextForwardToken,
      nextBackwardToken: rest.nextForwardToken.replace('f/', 'b/'),
    });
  });

  it('filters events with text patterns', async () => {
    expect(messages(await logs.FilterLogEvents!({ logGroupName: group, filterPattern: '?one ?five' }))).toEqual(['one', 'five']);
    expect(textFilter('"a b" -c')!('x a b y')).toBe(true);
    expect(textFilter('"a b" -c')!('a b c')).toBe(false);
    expect(textFilter('{ $.level = "x" }')).toBeUndefined();
  });

  it('answers an unknown group or stream with ResourceNotFoundException', async () => {
    await expect(logs.GetLogEvents!({ logGroupName: '/aws/lambda/x', logStreamName: stream })).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
    await expect(logs.GetLogEvents!({ logGroupName: group, logStreamName: 'job-a/algo-9-1' })).rejects.toThrow('The specified log stream does not exist.');
    await expect(logs.GetLogEvents!({ logGroupName: group, logStreamName: `../jobs/job-a/algo-1-${start}` })).rejects.toThrow(
      'The specified log stream does not exist.',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { baseNameFromImage, jobTimestamp, nameFromBase } from './job-name.js';
import { JOB_NAME_PATTERN } from './rule-basics.js';

const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7));

describe('job names', () => {
  it('derives the base from the image repository like the SDK', () => {
    expect(baseNameFromImage('111122223333.dkr.ecr.us-west-2.amazonaws.com/my-algo:latest')).toBe('my-algo');
    expect(baseNameFromImage('localhost:5000/team/trainer:1.2')).toBe('trainer');
    expect(baseNameFromImage('busybox')).toBe('busybox');
    expect(baseNameFromImage('repo/my_algo.v2@sha256:abc')).toBe('my-algo-v2');
  });
  it('formats UTC timestamps with zero-padded milliseconds', () => {
    expect(jobTimestamp(now)).toBe('2026-01-02-03-04-05-007');
  });
  it('keeps the whole name within 63 characters and valid', () => {
    const name = nameFromBase('x'.repeat(80), now);
    expect(name).toBe(`${'x'.repeat(39)}-2026-01-02-03-04-05-007`);
    expect(name.length).toBe(63);
    expect(JOB_NAME_PATTERN.test(name)).toBe(true);
    expect(nameFromBase(`${'a'.repeat(38)}-`, now)).toBe(`${'a'.repeat(38)}-2026-01-02-03-04-05-007`);
  });
});

import { describe, expect, it } from 'vitest';
import { jobLabels } from './hosts.js';

describe('jobLabels', () => {
  it('mark the owner (job, process) and, for a container, its host', () => {
    expect(jobLabels('job-1', 42)).toEqual({ 'sagekit.managed': 'true', 'sagekit.job': 'job-1', 'sagekit.pid': '42' });
    expect(jobLabels('job-1', 42, 'algo-2')).toMatchObject({ 'sagekit.host': 'algo-2' });
  });
});

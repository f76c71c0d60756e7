import { describe, expect, it } from 'vitest';
import { FAILURE_REASON_MAX, outcomeOf, trainingSeconds } from './status-record.js';

describe('outcomeOf', () => {
  it('a stop wins over a failure, a failure over completion', () => {
    expect(outcomeOf('Stopped', 'AlgorithmError: x')).toEqual({ status: 'Stopped', secondary: 'Stopped', message: 'Training job stopped' });
    expect(outcomeOf('MaxRuntimeExceeded', undefined)).toEqual({
      status: 'Stopped',
      secondary: 'MaxRuntimeExceeded',
      message: 'Training job stopped: it exceeded its maximum runtime',
    });
    expect(outcomeOf(undefined, 'AlgorithmError: x')).toEqual({
      status: 'Failed',
      secondary: 'Failed',
      message: 'Training job failed. Reason: AlgorithmError: x',
      failureReason: 'AlgorithmError: x',
    });
    expect(outcomeOf(undefined, undefined)).toEqual({ status: 'Completed', secondary: 'Completed', message: 'Training job completed' });
  });

  it("the failed status message is capped at SageMaker's 1024 characters, the reason itself is kept", () => {
    const reason = 'x'.repeat(FAILURE_REASON_MAX);
    const outcome = outcomeOf(undefined, reason);
    expect(outcome.message).toHaveLength(FAILURE_REASON_MAX);
    expect(outcome.failureReason).toBe(reason);
  });
});

describe('trainingSeconds', () => {
  it('whole seconds between start and end, 0 without a start or for a clock going back', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect(trainingSeconds(start, new Date('2026-01-01T00:01:30.6Z'))).toBe(91);
    expect(trainingSeconds(undefined, new Date())).toBe(0);
    expect(trainingSeconds(start, new Date('2025-12-31T23:59:00Z'))).toBe(0);
  });
});

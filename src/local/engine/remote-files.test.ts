import { describe, expect, it } from 'vitest';
import { outputsToCollect } from './remote-files.js';

describe('outputsToCollect', () => {
  it("model, output and checkpoints come back into the host's tree", () => {
    expect(outputsToCollect('/state/job/hosts/algo-1', undefined)).toEqual([
      { from: '/opt/ml/model', to: '/state/job/hosts/algo-1' },
      { from: '/opt/ml/output', to: '/state/job/hosts/algo-1' },
      { from: '/opt/ml/checkpoints', to: '/state/job/hosts/algo-1' },
    ]);
    expect(outputsToCollect('/h', '/opt/ml/checkpoints')).toHaveLength(3);
  });

  it('a custom checkpoint path comes back too, into a folder of its own first', () => {
    expect(outputsToCollect('/h', '/ckpt').at(-1)).toEqual({ from: '/ckpt', to: '/h/.remote-checkpoints' });
  });
});

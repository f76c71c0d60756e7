import { describe, expect, it } from 'vitest';
import { containerPathProblem } from './container-path.js';

describe('containerPathProblem', () => {
  it('accepts absolute, normalized paths', () => {
    for (const value of ['/opt/ml/checkpoints', '/ckpt', '/opt/ml/checkpoints/run-1', '/data/run 1/'])
      expect(containerPathProblem(value, { bound: true })).toBeUndefined();
  });

  it("refuses what would reach the engines' bind syntax or move the mount", () => {
    expect(containerPathProblem('/x:/etc:rw')).toMatch(/':' or ','/);
    expect(containerPathProblem('/x,readonly')).toMatch(/':' or ','/);
    expect(containerPathProblem('relative/path')).toMatch(/absolute/);
    expect(containerPathProblem('/a/../etc')).toMatch(/normalized/);
    expect(containerPathProblem('/a//b')).toMatch(/normalized/);
    expect(containerPathProblem('/a\nb')).toMatch(/control characters/);
  });

  it("keeps bound folders off sagekit's and the system's own folders", () => {
    for (const value of ['/', '/opt/ml', '/opt/ml/model', '/opt/ml/input/data/x', '/opt/ml/code', '/proc/1', '/dev']) {
      expect(containerPathProblem(value, { bound: true }), value).toBeDefined();
    }
    // Debugger and TensorBoard outputs are not bound: SageMaker's defaults live under /opt/ml/output.
    expect(containerPathProblem('/opt/ml/output/tensors')).toBeUndefined();
  });
});

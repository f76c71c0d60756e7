import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { ChannelDataError } from '../data/errors.js';
import { ImageError } from '../image.js';
import { failureText, hostFailure } from './failure.js';
import type { HostRun } from './host-run.js';

function host(fields: Partial<HostRun> = {}): HostRun {
  return { name: 'algo-2', instanceType: 'local', dir: mkdtempSync(path.join(tmpdir(), 'sagekit-host-')), lastLines: [], received: 0, ...fields };
}

describe('failureText', () => {
  it("the user's errors are ClientErrors, anything else an InternalServerError", () => {
    expect(failureText(new UsageError('bad input'))).toBe('ClientError: bad input');
    expect(failureText(new ImageError('cannot pull x'))).toBe('ClientError: cannot pull x');
    expect(failureText(new ChannelDataError('train', undefined, 'empty'))).toBe('ClientError: channel "train": empty');
    expect(failureText(new Error('socket hang up'))).toBe('InternalServerError: socket hang up');
    expect(failureText(new Error('y'.repeat(2000)))).toHaveLength(1024);
  });
});

describe('hostFailure', () => {
  it("the host's failure file, else its exit code and last three lines", async () => {
    const written = host();
    mkdirSync(path.join(written.dir, 'output'));
    writeFileSync(path.join(written.dir, 'output', 'failure'), '  ValueError: lr must be positive\n');
    expect(await hostFailure(written)).toBe('ValueError: lr must be positive');
    const silent = host({ exitCode: 3, lastLines: ['a', 'b', 'c', 'd'] });
    expect(await hostFailure(silent)).toBe('AlgorithmError: the training container on algo-2 exited with code 3; last lines: b | c | d');
    expect(await hostFailure(host({ exitCode: 1 }))).toBe('AlgorithmError: the training container on algo-2 exited with code 1');
  });
});

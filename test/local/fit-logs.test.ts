/** A waiting `fit()` streams the job's logs, as the Python SDK's does (FAULTS 25); `logs: false` keeps it quiet. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Estimator } from '../../src/estimator/estimator.js';
import { PROBE_IMAGE } from '../setup/images.js';

const root = mkdtempSync(path.join(tmpdir(), 'sagekit-fit-logs-'));
const estimator = (name: string) =>
  new Estimator({
    imageUri: PROBE_IMAGE,
    instanceType: 'local',
    outputPath: path.join(root, 'out'),
    jobName: name,
    hyperparameters: { mode: 'normal' },
    local: { stateDir: path.join(root, 'state'), pull: 'never' },
  });

afterEach(() => vi.restoreAllMocks());

describe('fit() and its logs', () => {
  it('prints every log line on stdout while it waits, and nothing with logs: false', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await estimator(`fit-logs-${process.pid}`).fit();
    expect(written).toContain('epoch=3 train_loss=0.125\n');
    written.length = 0;
    await estimator(`fit-quiet-${process.pid}`).fit(undefined, { logs: false });
    expect(written.filter((w) => w.includes('train_loss'))).toEqual([]);
  });
});

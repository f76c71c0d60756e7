/**
 * examples/pytorch-ddp on the real engine: a 2-host DistributedDataParallel job (gloo) on the
 * offline torch base. Asserts on what was learned: accuracy no broken job reaches, both replicas
 * holding the same parameters, and a job stopped mid-training resuming from its checkpoint.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE_TIMEOUT_MS, JOB_TIMEOUT_MS, ensureFrameworkBase, exampleOptions, finalMetric, readJson, scratchDir, startJob, unpack } from './helpers.js';

// Digits has 10 balanced classes: chance is 0.10, a model that did not learn stays far below this.
const LEARNED = 0.9;
let base: string;
let scratch: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  base = await ensureFrameworkBase('torch');
  scratch = await scratchDir('sagekit-pytorch-ddp-');
}, BASE_IMAGE_TIMEOUT_MS);
afterAll(async () => {
  await scratch?.remove();
});

/** The example's job with this test's output, checkpoints and record kept in the scratch dir. */
const options = (name: string, hyperparameters: Record<string, string | number>) =>
  exampleOptions('pytorch-ddp', {
    outputPath: path.join(scratch.dir, 'output'),
    checkpointS3Uri: `file://${path.join(scratch.dir, name, 'checkpoints')}`,
    hyperparameters,
    local: { stateDir: path.join(scratch.dir, 'state'), stopGracePeriodSeconds: 10, buildArgs: { BASE_IMAGE: base } },
  });

const accuracyAt = (lines: string[], epoch: number) =>
  lines.map((l) => l.match(new RegExp(`^epoch=${epoch} .*validation_accuracy=([0-9.]+)`))?.[1]).find(Boolean);

describe('examples/pytorch-ddp', () => {
  it(
    'trains on 2 hosts: data sharded by rank, replicas in sync, accuracy far above chance',
    async () => {
      const { job, logs } = await startJob(await options('full', { epochs: 12 }), 'pytorch-ddp-full');
      const doc = await job.wait();
      const text = (host: string) =>
        logs
          .filter((l) => l.host === host)
          .map((l) => l.message)
          .join('\n');
      expect(text('algo-1')).toContain('rank 0/2 on algo-1: backend=gloo, MASTER_ADDR=algo-1:29500');
      expect(text('algo-2')).toContain('rank 1/2 on algo-2: backend=gloo, MASTER_ADDR=algo-1:29500');
      // 1437 training rows split between the ranks.
      expect(text('algo-1')).toContain('rank 0: 719 of 1437 training samples');
      expect(text('algo-2')).toContain('rank 1: 719 of 1437 training samples');
      expect(finalMetric(doc, 'validation:accuracy')).toBeGreaterThan(LEARNED);

      const model = await unpack(doc.ModelArtifacts?.S3ModelArtifacts, path.join(scratch.dir, 'model'));
      expect((await readdir(model)).sort()).toEqual(['model.json', 'model.pt']);
      const info = await readJson(path.join(model, 'model.json'));
      expect(info).toMatchObject({ world_size: 2, epochs: 12 });
      expect(info.validation_accuracy).toBeGreaterThan(LEARNED);

      const outputUri = doc.ModelArtifacts?.S3ModelArtifacts?.replace(/model\.tar\.gz$/, 'output.tar.gz');
      const output = await unpack(outputUri, path.join(scratch.dir, 'output-data'));
      const rank0 = await readJson(path.join(output, 'replica-rank0.json'));
      const rank1 = await readJson(path.join(output, 'replica-rank1.json'));
      expect(rank1.rank).toBe(1);
      expect(rank1.parameter_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(rank1.parameter_sha256).toBe(rank0.parameter_sha256);
      expect(info.parameter_sha256).toBe(rank0.parameter_sha256);
    },
    JOB_TIMEOUT_MS,
  );

  it(
    'fails with the reason the trainer wrote to /opt/ml/output/failure',
    async () => {
      const { job } = await startJob(await options('bad', { epochs: 'ten' }), 'pytorch-ddp-bad-hp');
      const doc = await job.wait({ throwOnFailure: false });
      expect(doc.TrainingJobStatus).toBe('Failed');
      expect(doc.FailureReason).toContain("hyperparameter epochs must be int, got 'ten'");
    },
    JOB_TIMEOUT_MS,
  );

  it(
    'resumes from the last checkpoint after a stop, with the weights it had',
    async () => {
      // A long job, stopped once it has saved three checkpoints.
      const first = await startJob(await options('resume', { epochs: 500 }), 'pytorch-ddp-stopped');
      let stopping: Promise<void> | undefined;
      first.job.events.on('log', (line) => {
        if (!stopping && line.message.startsWith('checkpoint saved: epoch=3 ')) stopping = first.job.stop();
      });
      const stopped = await first.job.wait({ throwOnFailure: false });
      await stopping;
      expect(stopped.TrainingJobStatus).toBe('Stopped');
      const saved = (await readdir(path.join(scratch.dir, 'resume', 'checkpoints')))
        .map((f) => Number(f.match(/^checkpoint-epoch-(\d+)\.pt$/)?.[1]))
        .filter((n) => n > 0);
      const last = Math.max(...saved);
      expect(last).toBeGreaterThanOrEqual(3);
      expect(last).toBeLessThan(500);
      const firstLines = first.logs.map((l) => l.message);

      const second = await startJob(await options('resume', { epochs: last + 2 }), 'pytorch-ddp-resumed');
      const doc = await second.job.wait();
      const lines = second.logs.filter((l) => l.host === 'algo-1').map((l) => l.message);
      expect(lines).toContain(`resuming from /opt/ml/checkpoints/checkpoint-epoch-${String(last).padStart(4, '0')}.pt (epoch ${last})`);
      // The restored model scores exactly what the stopped job measured at that epoch.
      expect(lines).toContain(`restored model: validation_accuracy=${accuracyAt(firstLines, last)}`);
      const epochs = lines.map((l) => Number(l.match(/^epoch=(\d+) /)?.[1])).filter((n) => n > 0);
      expect(epochs).toEqual([last + 1, last + 2]);
      expect(finalMetric(doc, 'validation:accuracy')).toBeGreaterThan(LEARNED);
    },
    JOB_TIMEOUT_MS,
  );
});

/**
 * examples/sklearn on the real engine: gradient boosting on the breast cancer set (train and
 * validation channels) on the offline scikit-learn base. Asserts on what was learned and that the
 * saved model loads back and predicts what the job reported.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadJobFile } from '../../src/config/job-file.js';
import type { EstimatorOptions } from '../../src/estimator/options.js';
import {
  BASE_IMAGE_TIMEOUT_MS,
  JOB_TIMEOUT_MS,
  ROOT,
  ensureFrameworkBase,
  exampleOptions,
  finalMetric,
  readJson,
  runInImage,
  scratchDir,
  startJob,
  unpack,
} from './helpers.js';

// 63 % of the tumours are benign: a model that always says "benign" scores 0.63.
const LEARNED = 0.9;
let base: string;
let scratch: { dir: string; remove: () => Promise<void> };

beforeAll(async () => {
  base = await ensureFrameworkBase('sklearn');
  scratch = await scratchDir('sagekit-sklearn-');
}, BASE_IMAGE_TIMEOUT_MS);
afterAll(async () => {
  await scratch?.remove();
});

const options = (hyperparameters: Record<string, string | number>) =>
  exampleOptions('sklearn', {
    outputPath: path.join(scratch.dir, 'output'),
    hyperparameters,
    local: { stateDir: path.join(scratch.dir, 'state'), buildArgs: { BASE_IMAGE: base } },
  });

describe('examples/sklearn', () => {
  it(
    'learns the validation set, reports its metrics, and saves a model that loads back',
    async () => {
      const { job, logs } = await startJob(await options({}), 'sklearn-gbm');
      const doc = await job.wait();
      const accuracy = finalMetric(doc, 'validation:accuracy');
      expect(accuracy).toBeGreaterThan(LEARNED);
      expect(finalMetric(doc, 'validation:auc')).toBeGreaterThan(LEARNED);
      expect(finalMetric(doc, 'validation:logloss')).toBeLessThan(0.3);
      expect(logs.map((l) => l.message)).toContain('stage=150 validation_logloss=' + String(finalMetric(doc, 'validation:logloss')!.toFixed(4)));

      const model = await unpack(doc.ModelArtifacts?.S3ModelArtifacts, path.join(scratch.dir, 'model'));
      const info = await readJson(path.join(model, 'model.json'));
      expect(info.hyperparameters).toEqual({ n_estimators: 150, learning_rate: 0.1, max_depth: 2, subsample: 0.8, random_state: 0 });
      expect(info.metrics.validation_accuracy).toBe(accuracy);
      expect(info.features).toHaveLength(30);

      // Load it back in a fresh container and score the validation file with it.
      const validation = path.join(ROOT, 'examples/sklearn/data/validation');
      const header = (await readFile(path.join(validation, 'validation.csv'), 'utf8')).split('\n')[0];
      expect(header?.split(',')[0]).toBe('label');
      const stdout = await runInImage(
        doc.AlgorithmSpecification!.TrainingImage!,
        ['python3', '/usr/local/bin/predict.py', '/model', '/data/validation.csv'],
        [`${model}:/model`, `${validation}:/data`],
      );
      const scored = JSON.parse(stdout.trim());
      expect(scored.rows).toBe(114);
      expect(scored.accuracy).toBe(accuracy);
    },
    JOB_TIMEOUT_MS,
  );

  it(
    'learns the same in script mode: the stock base runs code/train.py from the code channel',
    async () => {
      const { options: loaded } = await loadJobFile(path.join(ROOT, 'examples/sklearn/script-mode.yaml'));
      const estimator = { ...(loaded as unknown as EstimatorOptions), outputPath: path.join(scratch.dir, 'output'), imageUri: base };
      const { job } = await startJob({ ...estimator, local: { ...estimator.local, stateDir: path.join(scratch.dir, 'state') } }, 'sklearn-script-mode');
      const doc = await job.wait();
      expect(doc.AlgorithmSpecification?.TrainingImage).toBe(base);
      expect(finalMetric(doc, 'validation:accuracy')).toBeGreaterThan(LEARNED);
      const model = await unpack(doc.ModelArtifacts?.S3ModelArtifacts, path.join(scratch.dir, 'script-mode-model'));
      expect((await readJson(path.join(model, 'model.json'))).metrics.validation_accuracy).toBe(finalMetric(doc, 'validation:accuracy'));
    },
    JOB_TIMEOUT_MS,
  );

  it(
    'fails with the reason the trainer wrote to /opt/ml/output/failure',
    async () => {
      const { job } = await startJob(await options({ n_estimators: 'many' }), 'sklearn-bad-hp');
      const doc = await job.wait({ throwOnFailure: false });
      expect(doc.TrainingJobStatus).toBe('Failed');
      expect(doc.FailureReason).toContain("hyperparameter n_estimators must be int, got 'many'");
    },
    JOB_TIMEOUT_MS,
  );
});

/**
 * Every public parity vector (../shared/parity/*.json, or the copy in test/fixtures/parity — see
 * test/helpers/parity.ts): the job file `config` must build exactly
 * the `request` the SageMaker Python SDK sent for it.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadJobFile } from '../../src/config/job-file.js';
import { buildTrainingRequest } from '../../src/estimator/request.js';
import { validateOptions } from '../../src/estimator/validate.js';
import { PARITY_DIR, PARITY_EXTRA_DIR, readVectors, writeVectorFiles, type ParityVector } from '../helpers/parity.js';

interface Vector {
  name: string;
  config: Record<string, unknown>;
  request: Record<string, unknown>;
  compare?: { unorderedLists?: string[] };
  files?: ParityVector['files'];
  sdkUploads?: ParityVector['sdkUploads'];
}

function sortAt(value: unknown, dotted: string): void {
  const keys = dotted.split('.');
  let node: unknown = value;
  for (const key of keys.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[key];
  const last = keys[keys.length - 1]!;
  const list = (node as Record<string, unknown> | undefined)?.[last];
  if (Array.isArray(list)) list.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const vectors: Vector[] = readdirSync(PARITY_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(PARITY_DIR, f), 'utf8')) as Vector)
  .concat(readVectors(PARITY_EXTRA_DIR));

describe('parity with the SageMaker Python SDK', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-parity-'));

  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(22);
  });

  it('has the extra vectors (p23-p32)', () => {
    expect(readVectors(PARITY_EXTRA_DIR).map((v) => v.name.slice(0, 3))).toEqual(Array.from({ length: 10 }, (_, i) => `p${23 + i}`));
  });

  for (const vector of vectors) {
    for (const format of ['yaml', 'json'] as const) {
      it(`${vector.name} (${format} job file)`, async () => {
        // Each vector in its own folder: its `files` sit next to its job file.
        const jobDir = path.join(dir, `${vector.name}-${format}`);
        mkdirSync(jobDir, { recursive: true });
        writeVectorFiles(vector, jobDir);
        const file = path.join(jobDir, `${vector.name}.${format}`);
        writeFileSync(file, format === 'yaml' ? YAML.stringify(vector.config) : JSON.stringify(vector.config));
        const loaded = await loadJobFile(file);
        const options = validateOptions(loaded.options, file);
        const { request, code } = buildTrainingRequest(options, options.inputs, { cwd: jobDir });
        // Where the SDK uploaded sourcedir.tar.gz is where the aws backend will upload it.
        for (const upload of vector.sdkUploads ?? []) expect(code?.uploadUri).toBe(`s3://${upload.bucket}/${upload.key}`);
        const actual = JSON.parse(JSON.stringify(request)) as Record<string, unknown>;
        const expected = structuredClone(vector.request);
        for (const p of vector.compare?.unorderedLists ?? []) {
          sortAt(actual, p);
          sortAt(expected, p);
        }
        expect(actual).toEqual(expected);
      });
    }
  }
});

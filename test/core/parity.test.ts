/**
 * Every public parity vector (../shared/parity/*.json, or the copy in test/fixtures/parity — see
 * test/helpers/parity.ts): the job file `config` must build exactly
 * the `request` the SageMaker Python SDK sent for it.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadJobFile } from '../../src/config/job-file.js';
import { buildTrainingRequest } from '../../src/estimator/request.js';
import { validateOptions } from '../../src/estimator/validate.js';
import { PARITY_DIR } from '../helpers/parity.js';


interface Vector {
  name: string;
  config: Record<string, unknown>;
  request: Record<string, unknown>;
  compare?: { unorderedLists?: string[] };
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
  .map((f) => JSON.parse(readFileSync(path.join(PARITY_DIR, f), 'utf8')) as Vector);

describe('parity with the SageMaker Python SDK', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-parity-'));

  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(22);
  });

  for (const vector of vectors) {
    for (const format of ['yaml', 'json'] as const) {
      it(`${vector.name} (${format} job file)`, async () => {
        const file = path.join(dir, `${vector.name}.${format}`);
        writeFileSync(file, format === 'yaml' ? YAML.stringify(vector.config) : JSON.stringify(vector.config));
        const loaded = await loadJobFile(file);
        const options = validateOptions(loaded.options, file);
        const { request } = buildTrainingRequest(options, options.inputs, { cwd: dir });
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

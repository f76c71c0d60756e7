/**
 * `sagekit train --dry-run` on the extra parity vectors (script mode, instance groups, …), run
 * as users run it: the real binary, the job file in a folder with the vector's `files`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { runCli } from '../helpers/cli.js';
import { PARITY_EXTRA_DIR, readVectors, writeVectorFiles } from '../helpers/parity.js';

const dir = mkdtempSync(path.join(tmpdir(), 'sagekit-cli-parity-'));
const noAws = { AWS_REGION: '', AWS_DEFAULT_REGION: '', AWS_PROFILE: '', AWS_CONFIG_FILE: path.join(dir, 'none'), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };

describe('sagekit train --dry-run equals the extra parity vectors', () => {
  const vectors = readVectors(PARITY_EXTRA_DIR);
  it('has them', () => expect(vectors).toHaveLength(10));
  for (const vector of vectors) {
    it(vector.name, async () => {
      const jobDir = path.join(dir, vector.name);
      mkdirSync(jobDir, { recursive: true });
      writeVectorFiles(vector, jobDir);
      writeFileSync(path.join(jobDir, 'job.yaml'), YAML.stringify(vector.config));
      // Run from elsewhere: relative code paths must resolve against the job file's folder.
      const r = await runCli(['train', '--config', path.join(jobDir, 'job.yaml'), '--dry-run'], { cwd: dir, env: noAws });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(vector.request);
    });
  }
});

/**
 * Where the parity vectors are: `$SAGEKIT_PARITY_DIR`, else the team's shared set next to the
 * repository (`../shared/parity`, the newest), else the copy in test/fixtures/parity, so a clone
 * anywhere still runs them.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const PARITY_DIR =
  process.env.SAGEKIT_PARITY_DIR || [path.resolve(ROOT, '../shared/parity'), path.join(ROOT, 'test/fixtures/parity')].find((dir) => existsSync(dir))!;

/** The vectors of the rest of `Estimator.__init__` (script mode, instance groups, …): `<PARITY_DIR>/extra`. */
export const PARITY_EXTRA_DIR = path.join(PARITY_DIR, 'extra');

/** One vector file's content (`files`: script-mode files to create next to the job file first). */
export interface ParityVector {
  name: string;
  config: Record<string, unknown>;
  request: Record<string, unknown>;
  files?: Record<string, string>;
  /** Where the SDK uploaded `sourcedir.tar.gz`. */
  sdkUploads?: Array<{ bucket: string; key: string }>;
  compare?: { unorderedLists?: string[] };
}

/** Every vector of `dir` (sorted by file name); an absent folder has none. */
export function readVectors(dir: string): ParityVector[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as ParityVector);
}

/** Creates a vector's `files` under `dir` (the job file's folder). */
export function writeVectorFiles(vector: ParityVector, dir: string): void {
  for (const [name, content] of Object.entries(vector.files ?? {})) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
}

/**
 * Where the parity vectors are: `$SAGEKIT_PARITY_DIR`, else the team's shared set next to the
 * repository (`../shared/parity`, the newest), else the copy in test/fixtures/parity, so a clone
 * anywhere still runs them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const PARITY_DIR =
  process.env.SAGEKIT_PARITY_DIR ||
  [path.resolve(ROOT, '../shared/parity'), path.join(ROOT, 'test/fixtures/parity')].find((dir) => existsSync(dir))!;

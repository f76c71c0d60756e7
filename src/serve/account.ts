/**
 * The account id serve answers in ARNs and GetCallerIdentity. AWS clients derive names from
 * it (the Python SDK's default bucket `sagemaker-<region>-<account>`), so it must not change
 * between runs of one serve: `--account-id`, else one drawn at random the first time and kept
 * in the state dir.
 */
import { randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';

const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** The file under the state dir that keeps serve's account id. */
const ACCOUNT_ID_FILE = 'serve-account-id';

/** `given` when set (12 digits), else the id kept in `stateDir` (drawn and kept on first use). */
export async function resolveAccountId(stateDir: string, given?: string): Promise<string> {
  if (given !== undefined) {
    if (!ACCOUNT_ID_PATTERN.test(given)) throw new UsageError(`--account-id: must be 12 digits, as AWS account ids are (got ${JSON.stringify(given)})`);
    return given;
  }
  const file = path.join(stateDir, ACCOUNT_ID_FILE);
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (ACCOUNT_ID_PATTERN.test(kept)) return kept;
  // Never 000000000000, which is the local backend's own placeholder.
  const drawn = String(randomInt(100_000_000_000, 1_000_000_000_000));
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, `${drawn}\n`);
  return drawn;
}

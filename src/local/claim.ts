/**
 * Claims a local job name atomically: the job's record folder is created with a plain `mkdir`
 * (no `recursive`), which exactly one of several processes starting the same name at once can
 * win. Checking for an existing record first and creating it later let two jobs share one name,
 * one record and one host folder (FAULTS 7).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { JobPaths } from './record.js';

/** Creates the job's record folder; a UsageError when the name is taken (by a record or a racing start). */
export async function claimJobName(paths: JobPaths): Promise<void> {
  await mkdir(path.dirname(paths.dir), { recursive: true });
  try {
    await mkdir(paths.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new UsageError(
      `a local training job named ${paths.name} already exists`,
      `choose another name (--job-name) or let sagekit generate one; the old record is in ${paths.dir}`,
    );
  }
}

/**
 * Script mode locally: the user's code is placed at `/opt/ml/code` of every host (in the host
 * folder bound at `/opt/ml`), in the layout of `sourcedir.tar.gz`, and the request's
 * `sagemaker_submit_directory` already says `/opt/ml/code` — what the Python SDK's local mode
 * does, so an image whose `train` is the SageMaker training toolkit runs the script.
 */
import path from 'node:path';
import { withLocalCode } from '../code/git.js';
import { copyCode } from '../code/layout.js';
import type { ScriptCode } from '../code/script-code.js';

/** Copies `code` (cloned first with gitConfig) into `<hostDir>/code` of every host. */
export async function placeCode(code: ScriptCode, hostDirs: readonly string[]): Promise<void> {
  await withLocalCode(code, async (local) => {
    for (const dir of hostDirs) await copyCode(local, path.join(dir, 'code'));
  });
}

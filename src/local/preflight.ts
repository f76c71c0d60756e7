/**
 * Checks of a local job that need the disk or the engine but nothing of the job itself, run
 * before its record is created: a mistake found here is refused (exit 2 for the user's, 3 for the
 * machine's) instead of starting a job that can only fail.
 *
 * - a `file://` input that does not exist and is no name prefix of anything (with a "did you
 *   mean" from its directory);
 * - a path the engine's bind syntax cannot hold (a colon), for inputs and the state directory;
 * - a `file://` outputPath that cannot be written (read-only file system, no permission);
 * - a build context without a Dockerfile;
 * - an image that is not on this machine while pulling is "never".
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import type { LocalRunSettings } from '../backend.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { fileUriToPath, isFileUri } from '../s3/uri.js';
import { closest } from '../util/suggest.js';
import type { ImageClient } from './engine/types.js';

/** Runs every check; throws the first problem found. */
export async function preflightLocalJob(request: CreateTrainingJobRequest, settings: LocalRunSettings, images: ImageClient, jobDir: string): Promise<void> {
  refuseColon('the job record folder', jobDir, 'set another state directory (--state-dir or SAGEKIT_STATE_DIR)');
  const output = request.OutputDataConfig?.S3OutputPath;
  if (output && isFileUri(output)) await checkWritable('outputPath', fileUriToPath(output));
  for (const channel of request.InputDataConfig ?? []) {
    const uri = channel.DataSource?.S3DataSource?.S3Uri;
    if (uri && isFileUri(uri)) await checkLocalInput(channel.ChannelName ?? '', fileUriToPath(uri));
  }
  if (settings.buildContext) {
    const dockerfile = path.join(path.resolve(settings.buildContext), 'Dockerfile');
    if (
      !(await stat(dockerfile).then(
        (s) => s.isFile(),
        () => false,
      ))
    ) {
      throw new UsageError(
        `cannot build the image: no Dockerfile in ${path.dirname(dockerfile)}`,
        'set local.buildContext (or --build) to the directory that holds the Dockerfile',
      );
    }
    return;
  }
  const image = request.AlgorithmSpecification?.TrainingImage ?? '';
  if (settings.pull === 'never' && !(await images.exists(image))) {
    throw new EnvironmentError(
      `image ${image} is not on this machine and pull is "never"`,
      `build it (podman build -t ${image} DIR, or local.buildContext / --build DIR) or allow pulling (local.pull: missing)`,
    );
  }
}

async function checkLocalInput(channel: string, local: string): Promise<void> {
  refuseColon(`inputs.${channel}`, local, 'rename the folder or point a symbolic link without a colon at it');
  if (
    await stat(local).then(
      () => true,
      () => false,
    )
  )
    return;
  // A path that does not exist is a name prefix (as on S3): refused only when nothing matches.
  const parent = path.dirname(local);
  const base = path.basename(local);
  const siblings = await readdir(parent).catch(() => undefined);
  if (siblings?.some((name) => name.startsWith(base))) return;
  const shown = displayPath(local);
  const close =
    siblings &&
    closest(
      base,
      siblings.filter((name) => !name.startsWith('.')),
    );
  throw new UsageError(
    `inputs.${channel}: ${shown} does not exist${siblings ? '' : ` (nor does its folder ${displayPath(parent)})`}`,
    close ? `did you mean ${displayPath(path.join(parent, close))}?` : 'give an existing file or folder (file:// or a path), or an s3:// URI',
  );
}

/** The folder, or the nearest one above it that exists (it will be made), must be writable. */
async function checkWritable(what: string, dir: string): Promise<void> {
  let existing = path.resolve(dir);
  while (
    !(await stat(existing).then(
      () => true,
      () => false,
    )) &&
    path.dirname(existing) !== existing
  )
    existing = path.dirname(existing);
  try {
    await access(existing, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'a read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'no write permission' : code;
    throw new UsageError(
      `${what}: ${dir} cannot be written (${existing}: ${why}), so the model could not be saved there`,
      'choose a writable outputPath (the job would run first and then fail to save its artifacts)',
    );
  }
}

function refuseColon(what: string, local: string, fix: string): void {
  if (!local.includes(':')) return;
  throw new UsageError(`${what}: ${local} contains ":", which the container engine's bind mounts cannot hold`, fix);
}

/** `./data` for a path under the working directory, the absolute path otherwise. */
function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? `./${relative}` : p;
}

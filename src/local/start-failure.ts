/**
 * Why a training container could not start, in the user's terms. The engine reports a `train`
 * that is missing or not executable as an HTTP 500 from the OCI runtime ("executable file not
 * found in $PATH"), which would read as SageMaker's InternalServerError — AWS's fault. It is the
 * image's: this looks at the created container's PATH for a `train` and says which fix applies.
 */
import { SagekitError } from '../errors.js';
import type { EngineContainer } from './engine/types.js';

const NOT_RUNNABLE = /executable file not found|permission denied|no such file or directory/i;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The start error, or a {@link SagekitError} (a ClientError in the record) naming the fix. */
export async function explainStartFailure(error: unknown, container: EngineContainer): Promise<unknown> {
  const message = (error as Error).message ?? String(error);
  if (!NOT_RUNNABLE.test(message)) return error;
  const info = await container.inspect().catch(() => undefined);
  const searchPath = info?.Config?.Env?.find((e) => e.startsWith('PATH='))?.slice(5) || DEFAULT_PATH;
  for (const dir of searchPath.split(':').filter(Boolean)) {
    const file = `${dir.replace(/\/$/, '')}/train`;
    const mode = await fileMode(container, file);
    if (mode === undefined) continue;
    if ((mode & 0o111) === 0) {
      return new SagekitError(
        `the image's ${file} is not executable (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): make it executable: chmod +x train before building, or RUN chmod +x ${file} in the Dockerfile`,
        { cause: error },
      );
    }
  }
  return new SagekitError(
    `the image has no train on PATH (${searchPath}); SageMaker starts the container with the command "train": copy an executable train into /usr/local/bin, or give the image an ENTRYPOINT`,
    { cause: error },
  );
}

/** Mode bits of a file in a (created) container, undefined when it is not there. */
async function fileMode(container: EngineContainer, file: string): Promise<number | undefined> {
  const stat = await container.statPath(file);
  return stat?.isDir ? undefined : stat?.mode;
}

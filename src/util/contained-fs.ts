/**
 * Reading trees a container wrote (its model, output, failure file, checkpoints) without
 * letting it point sagekit at host files. Whatever is in such a tree is the container's to
 * choose: a symbolic link to /etc/shadow, a directory swapped for a link while sagekit walks it,
 * a FIFO that never delivers. So every read here:
 * - walks with lstat and never descends into or returns a symbolic link (links are reported
 *   back, so callers can keep them as links or say they were skipped);
 * - opens with O_NOFOLLOW | O_NONBLOCK, checks the opened descriptor is a regular file, and checks
 *   through /proc/self/fd where the descriptor really is — inside the tree's real root — so a
 *   parent directory swapped for a link between the walk and the open is caught too.
 */
import { constants, createReadStream, type ReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/** A regular file found in a contained walk. */
interface ContainedFile {
  path: string;
  /** Path below the root, `/`-separated. */
  relativePath: string;
  size: number;
  mtimeMs: number;
}

/** What a contained walk found. */
export interface ContainedWalk {
  files: ContainedFile[];
  /** Symbolic links met (relative paths): never followed. */
  links: string[];
}

/** The error of a read that would leave the tree. */
export class OutsideTreeError extends Error {
  constructor(file: string, why: string) {
    super(`${file}: ${why}; sagekit does not follow links out of a container's folder`);
    this.name = 'OutsideTreeError';
  }
}

/** Every regular file under `root`, in no particular order; links, FIFOs, sockets and devices left out. */
export async function walkContained(root: string): Promise<ContainedWalk> {
  const files: ContainedFile[] = [];
  const links: string[] = [];
  const visit = async (dir: string, rel: string): Promise<void> => {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const full = path.join(dir, name);
      const relativePath = rel ? `${rel}/${name}` : name;
      const info = await lstat(full).catch(() => undefined);
      if (!info) continue;
      if (info.isSymbolicLink()) links.push(relativePath);
      else if (info.isDirectory()) await visit(full, relativePath);
      else if (info.isFile()) files.push({ path: full, relativePath, size: info.size, mtimeMs: info.mtimeMs });
    }
  };
  const top = await lstat(root).catch(() => undefined);
  // A root that is itself a link is the container's doing too (e.g. /opt/ml/checkpoints -> /etc).
  if (top?.isSymbolicLink()) return { files, links: ['.'] };
  if (top?.isDirectory()) await visit(root, '');
  return { files, links };
}

/** True when `inner` is `root` or below it. */
function isWithin(root: string, inner: string): boolean {
  const rel = path.relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Opens `file`, which must be a regular file inside `root`, for reading — never through a link.
 * Throws {@link OutsideTreeError} when it is a link, not a regular file, or really elsewhere.
 */
export async function openContained(root: string, file: string): Promise<FileHandle> {
  const realRoot = await realpath(root);
  // The root itself may be the container's to replace (/opt/ml/model is a folder of the bound
  // /opt/ml): it must be a real folder where its parent says, not a link elsewhere.
  if (realRoot !== path.join(await realpath(path.dirname(root)), path.basename(root))) {
    throw new OutsideTreeError(root, 'is a symbolic link');
  }
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new OutsideTreeError(file, 'is a symbolic link');
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new OutsideTreeError(file, 'is not a regular file');
    // Where the descriptor really points, whatever happened to the path's parents meanwhile.
    const actual = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
    if (actual !== undefined && !isWithin(realRoot, actual)) throw new OutsideTreeError(file, `resolves to ${actual}, outside ${root}`);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** A read stream of a file inside `root`, opened as {@link openContained} does. */
export async function createContainedReadStream(
  root: string,
  file: string,
  options: { start?: number; end?: number; highWaterMark?: number } = {},
): Promise<ReadStream> {
  const handle = await openContained(root, file);
  // The path is ignored once `fd` is given; it names the stream in errors.
  return createReadStream(file, { ...options, fd: handle, autoClose: true });
}

/** At most `maxBytes` of a text file inside `root`; undefined when it is absent, a link, or not a regular file. */
export async function readContainedText(root: string, file: string, maxBytes: number): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    handle = await openContained(root, file);
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(maxBytes);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

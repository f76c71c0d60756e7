/**
 * Safe extraction of (gzipped) tar archives: entries that would land outside the destination —
 * absolute paths, `..` segments, links pointing out — are refused with an error instead of being
 * silently rewritten, so a hostile model.tar.gz cannot write anywhere else on the machine.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import * as tar from 'tar';

/** Raised when an archive entry would escape the destination directory. */
class UnsafeArchiveError extends Error {
  constructor(
    readonly entry: string,
    reason: string,
  ) {
    super(`refusing archive entry ${JSON.stringify(entry)}: ${reason}`);
    this.name = 'UnsafeArchiveError';
  }
}

/** Throws when `entryPath` (or a link target) would resolve outside `root`. */
function assertInside(root: string, entryPath: string, linkTarget?: string): void {
  if (path.isAbsolute(entryPath) || /^[a-zA-Z]:/.test(entryPath)) {
    throw new UnsafeArchiveError(entryPath, 'absolute path');
  }
  const resolved = path.resolve(root, entryPath);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) {
    throw new UnsafeArchiveError(entryPath, 'path escapes the destination');
  }
  if (linkTarget !== undefined) {
    const target = path.resolve(path.dirname(resolved), linkTarget);
    if (path.isAbsolute(linkTarget) || (target !== root && !target.startsWith(root + path.sep))) {
      throw new UnsafeArchiveError(entryPath, `link target ${JSON.stringify(linkTarget)} escapes the destination`);
    }
  }
}

/**
 * Extracts a tar stream (gzip detected automatically) into `destination`, creating it.
 * Rejects with {@link UnsafeArchiveError} on the first unsafe entry.
 */
export async function extractTar(source: Readable, destination: string, signal?: AbortSignal): Promise<void> {
  const root = path.resolve(destination);
  await mkdir(root, { recursive: true });
  let unsafe: UnsafeArchiveError | undefined;
  const extractor = tar.x({
    cwd: root,
    strict: true,
    filter: (entryPath, entry) => {
      if (unsafe) return false;
      try {
        const linkpath = 'linkpath' in entry && entry.linkpath ? String(entry.linkpath) : undefined;
        const type = 'type' in entry ? entry.type : undefined;
        assertInside(root, entryPath, type === 'SymbolicLink' ? linkpath : undefined);
        // Hard-link targets are archive paths, relative to the root rather than the entry.
        if (type === 'Link' && linkpath !== undefined) assertInside(root, linkpath);
        return true;
      } catch (error) {
        unsafe = error as UnsafeArchiveError;
        return false;
      }
    },
  });
  await pipeline(source, extractor, signal ? { signal } : {});
  if (unsafe) throw unsafe;
}

/**
 * `sourcedir.tar.gz` as the Python SDK builds it (see `layout.ts`): the code's top-level entries
 * at the root of a gzipped tar, links followed. Entries are sorted and system-specific metadata
 * (uid, gid, user names, ctime, atime) left out, so unchanged code packs to the same bytes and
 * the upload can be skipped.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import type { ScriptCode } from './script-code.js';
import { copyCode } from './layout.js';

/** Packs `code` (local paths) into the bytes of `sourcedir.tar.gz`. */
export async function packSourceDir(code: ScriptCode): Promise<Buffer> {
  const staging = await mkdtemp(path.join(tmpdir(), 'sagekit-sourcedir-'));
  try {
    await copyCode(code, staging);
    const names = (await readdir(staging)).sort();
    const chunks: Buffer[] = [];
    const stream = tar.c({ gzip: true, cwd: staging, portable: true }, names);
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

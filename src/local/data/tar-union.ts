/**
 * A tar stream of the union of several directories (e.g. `/opt/ml/model` of every host), written
 * entry by entry from disk — never the whole archive in memory.
 *
 * Entries are named by their path relative to their source directory (`model.pth`, `code/`), in
 * byte order, parents before children, like `tar -czf model.tar.gz -C dir .` minus the `./`.
 * Regular files, directories and symbolic links are archived with their mode, owner and mtime;
 * sockets, FIFOs and devices are skipped. Long names and large values use PAX headers.
 *
 * Union rule: the first source that has a path wins. Directories present in several sources are
 * merged; any other clash (two files, or a file and a directory) keeps the earlier source's entry
 * and drops the later one, including everything below a dropped directory.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Header, Pax } from 'tar';
import { createContainedReadStream } from '../../util/contained-fs.js';

/** One archive entry, with its header blocks already encoded. */
export interface ArchiveEntry {
  /** Path inside the archive (directories end in `/`). */
  name: string;
  /** Absolute path of the source. */
  source: string;
  /** The source directory it was found in: its bytes are read only from inside it. */
  root: string;
  type: 'File' | 'Directory' | 'SymbolicLink';
  size: number;
  /** Header block(s): a PAX extended header when needed, then the ustar header. */
  header: Buffer;
}

/** The entries of an archive and its exact uncompressed size. */
export interface ArchivePlan {
  entries: ArchiveEntry[];
  /** Bytes of the tar stream (headers, data, padding, end-of-archive blocks). */
  tarBytes: number;
  /** Paths dropped because an earlier source had them (first few, for messages). */
  conflicts: string[];
  /** How many paths were dropped in total. */
  conflictCount: number;
  /** Sources that were symbolic links (a container replaced its folder with one): left out, never followed. */
  linkedSources: string[];
}

const BLOCK = 512;
const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

function encodeHeader(name: string, type: ArchiveEntry['type'], stats: Stats, linkpath?: string): Buffer {
  const data = {
    path: name,
    mode: stats.mode & 0o7777,
    uid: stats.uid,
    gid: stats.gid,
    size: type === 'File' ? stats.size : 0,
    mtime: stats.mtime,
    type,
    uname: '',
    gname: '',
    ...(linkpath === undefined ? {} : { linkpath }),
  };
  const header = new Header(data);
  const needPax = header.encode();
  if (!header.block) throw new Error(`cannot encode a tar header for ${name}`);
  if (!needPax) return header.block;
  const pax = new Pax({
    path: name,
    mtime: stats.mtime,
    size: data.size,
    uid: stats.uid,
    gid: stats.gid,
    ...(linkpath === undefined ? {} : { linkpath }),
  }).encode();
  return Buffer.concat([pax, header.block]);
}

interface Claimed {
  type: ArchiveEntry['type'];
}

/** The sources that are not symbolic links (absolute); the links go to `linked`. A source folder the container replaced with a link (model -> /etc) is never walked. */
async function unlinkedSources(sources: readonly string[], linked: string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const source of sources) {
    const top = await lstat(source).catch(() => undefined);
    if (top?.isSymbolicLink()) linked.push(source);
    else kept.push(path.resolve(source));
  }
  return kept;
}

/** Walks the sources and plans the archive. Missing sources count as empty. */
export async function planArchive(sources: readonly string[]): Promise<ArchivePlan> {
  const claimed = new Map<string, Claimed>();
  const entries: ArchiveEntry[] = [];
  const conflicts: string[] = [];
  const linkedSources: string[] = [];
  let conflictCount = 0;
  const conflict = (rel: string) => {
    conflictCount += 1;
    if (conflicts.length < 5) conflicts.push(rel);
  };

  const visit = async (root: string, dir: string, rel: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (rel === '' && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const stats = await lstat(full);
      const type: ArchiveEntry['type'] | undefined = stats.isFile()
        ? 'File'
        : stats.isDirectory()
          ? 'Directory'
          : stats.isSymbolicLink()
            ? 'SymbolicLink'
            : undefined;
      if (!type) continue;
      const earlier = claimed.get(relPath);
      if (earlier) {
        if (earlier.type === 'Directory' && type === 'Directory') await visit(root, full, relPath);
        else conflict(relPath);
        continue;
      }
      claimed.set(relPath, { type });
      const archiveName = type === 'Directory' ? `${relPath}/` : relPath;
      const linkpath = type === 'SymbolicLink' ? await readlink(full) : undefined;
      entries.push({
        name: archiveName,
        source: full,
        root,
        type,
        size: type === 'File' ? stats.size : 0,
        header: encodeHeader(archiveName, type, stats, linkpath),
      });
      if (type === 'Directory') await visit(root, full, relPath);
    }
  };
  for (const source of await unlinkedSources(sources, linkedSources)) await visit(source, source, '');

  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  const tarBytes = entries.reduce((sum, e) => sum + e.header.length + e.size + padding(e.size), 0) + 2 * BLOCK;
  return { entries, tarBytes, conflicts, conflictCount, linkedSources };
}

/** Read size for archived files. */
const READ_CHUNK = 1024 * 1024;

/**
 * The tar byte stream of a plan. A file that changed size since planning is cut or zero-padded to
 * the planned size (the header is already written) and reported through `onChanged`; so is one
 * that became a link or left its source directory (read as empty: links are never followed).
 */
export function archiveStream(plan: ArchivePlan, onChanged?: (entry: ArchiveEntry) => void): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for (const entry of plan.entries) {
      yield entry.header;
      if (entry.type !== 'File' || entry.size === 0) continue;
      let remaining = entry.size;
      const stream = await createContainedReadStream(entry.root, entry.source, { start: 0, end: entry.size - 1, highWaterMark: READ_CHUNK }).catch(
        () => undefined,
      );
      for await (const chunk of (stream ?? []) as AsyncIterable<Buffer>) {
        remaining -= chunk.length;
        yield chunk;
      }
      if (remaining > 0) {
        onChanged?.(entry);
        yield Buffer.alloc(remaining);
      }
      const pad = padding(entry.size);
      if (pad > 0) yield Buffer.alloc(pad);
    }
    yield Buffer.alloc(2 * BLOCK);
  }
  return Readable.from(generate(), { objectMode: false, highWaterMark: READ_CHUNK });
}

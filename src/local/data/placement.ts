/**
 * Puts a channel's objects into a staging directory that is later bind-mounted read-only into the
 * containers: local files are hard-linked (no bytes copied; a copy only when the work directory is
 * on another file system), S3 objects are downloaded with a few transfers in parallel.
 */
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { downloadObject } from '../../s3/transfer.js';
import { formatS3Uri } from '../../s3/uri.js';
import { mapLimited, type Limiter } from '../../util/concurrency.js';
import type { DataItem } from './sources.js';

/**
 * Absolute destination of `relativePath` under `root`; throws when the path is empty or would
 * leave `root` (an S3 key such as `data/../../etc/x`).
 */
export function destinationFor(root: string, relativePath: string): string {
  const normal = path.posix.normalize(relativePath.replace(/\\/g, '/'));
  if (!normal || normal === '.' || normal === '..' || normal.startsWith('../') || path.posix.isAbsolute(normal)) {
    throw new Error(`the object path ${JSON.stringify(relativePath)} would land outside the channel directory`);
  }
  return path.join(root, ...normal.split('/'));
}

/** Throws when two items would land on the same path (a manifest listing a key twice, …). */
export function assertDistinctPaths(items: readonly DataItem[]): void {
  const seen = new Map<string, DataItem>();
  for (const item of items) {
    const key = path.posix.normalize(item.relativePath);
    const other = seen.get(key);
    if (other) throw new Error(`${describeItem(other)} and ${describeItem(item)} both map to ${JSON.stringify(key)}`);
    seen.set(key, item);
  }
}

/** The URI or path of an item, for messages. */
export function describeItem(item: DataItem): string {
  if (item.kind === 'inline') return item.relativePath;
  return item.kind === 'file' ? item.path : formatS3Uri(item.location);
}

/** Aggregated progress of one channel's transfers, reported at most every 100 ms. */
export class ChannelProgress {
  private readonly perItem = new Map<DataItem, number>();
  private loaded = 0;
  private last = 0;

  constructor(
    private readonly events: JobEvents,
    private readonly label: string,
    private readonly total: number | undefined,
  ) {}

  /** Records that `item` has `loaded` bytes so far. */
  update(item: DataItem, loaded: number): void {
    this.loaded += loaded - (this.perItem.get(item) ?? 0);
    this.perItem.set(item, loaded);
    const now = Date.now();
    if (now - this.last >= 100) {
      this.last = now;
      this.events.emit('progress', { kind: 'download', label: this.label, loaded: this.loaded, ...(this.total === undefined ? {} : { total: this.total }) });
    }
  }

  /** Reports the end of the channel's transfers. */
  done(): void {
    this.events.emit('progress', { kind: 'download', label: this.label, loaded: this.loaded, total: this.total ?? this.loaded, done: true });
  }
}

/** Options of {@link placeItems}. */
export interface PlaceOptions {
  s3: () => S3Client;
  limiter: Limiter;
  progress: ChannelProgress;
  signal?: AbortSignal | undefined;
  /** Called once per item that had to be copied because hard-linking was impossible. */
  onCopied?: (item: DataItem, reason: string) => void;
  /** Existing destinations are left alone and reported here instead of replaced. */
  onExisting?: (item: DataItem, destination: string) => void;
}

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    () => false,
  );

/** Places every item under `root` at its relative path. */
export async function placeItems(items: readonly DataItem[], root: string, options: PlaceOptions): Promise<void> {
  await mkdir(root, { recursive: true });
  await mapLimited(items, options.limiter, async (item) => {
    const destination = destinationFor(root, item.relativePath);
    if (options.onExisting && (await exists(destination))) {
      options.onExisting(item, destination);
      return;
    }
    await mkdir(path.dirname(destination), { recursive: true });
    if (item.kind === 's3') {
      await downloadObject(options.s3(), item.location, destination, {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (p) => options.progress.update(item, p.loaded),
      });
      return;
    }
    if (item.kind === 'inline') {
      await writeFile(destination, item.data);
      options.progress.update(item, item.size);
      return;
    }
    try {
      await link(item.path, destination);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error;
      // Another file system (or one without hard links): a copy, cloned where the FS can.
      await copyFile(item.path, destination, constants.COPYFILE_FICLONE);
      options.onCopied?.(item, code);
    }
    options.progress.update(item, item.size);
  });
}

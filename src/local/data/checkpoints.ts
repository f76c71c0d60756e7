/**
 * Checkpoint sync of a local job, as SageMaker does it with `CheckpointConfig`: what is at
 * `S3Uri` is restored into every host's checkpoint directory before the job starts, and new or
 * changed files are copied back while the job runs and once more at the end.
 *
 * - `S3Uri` is a folder: `s3://bucket/ckpt` means the keys under `ckpt/`, and `file:///dir` the
 *   files under `/dir`; a file's key/path below it is its path below the checkpoint directory.
 * - All hosts write into the same folder, as on SageMaker: when two hosts have the same file, the
 *   last upload wins (give files host-specific names, e.g. with the rank, to keep them apart).
 * - A file is copied again when its size or modification time changed since it was last copied
 *   (or restored). Files deleted locally are not deleted from the destination.
 * - Syncs never overlap; a failing periodic sync is reported as a warning and retried at the next
 *   interval; the final sync in {@link CheckpointSync.stop} throws.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { downloadObject, listObjects, uploadFile } from '../../s3/transfer.js';
import { fileUriToPath, isFileUri, isS3Uri, parseS3Uri, type S3Location } from '../../s3/uri.js';
import { createLimiter, mapLimited } from '../../util/concurrency.js';
import { destinationFor } from './placement.js';
import { walkFiles } from './sources.js';

/** Checkpoint sync of one job. */
export interface CheckpointSync {
  /** Copies what is at the URI into every host directory. Nothing there is fine (a first run). */
  restore(): Promise<void>;
  /** Starts the periodic sync (host directories → URI). Calling it again does nothing. */
  start(): void;
  /** Stops the periodic sync, waits for one in flight, then syncs everything once more. */
  stop(): Promise<void>;
}

/** Options of {@link createCheckpointSync}. */
export interface CheckpointSyncOptions {
  /** `CheckpointConfig.S3Uri` (`s3://…` or `file://…`). */
  s3Uri: string;
  /** Each host's checkpoint directory (bound at `CheckpointConfig.LocalPath`, `/opt/ml/checkpoints`). */
  hostDirs: string[];
  s3: () => S3Client;
  events: JobEvents;
  /** Period of the background sync; default 10 s. */
  intervalMs?: number;
}

interface Seen {
  size: number;
  mtimeMs: number;
}

/** Where checkpoints live: a local directory or an S3 folder. */
type Destination = { kind: 'file'; root: string } | { kind: 's3'; location: S3Location };

function parseDestination(uri: string): Destination {
  if (isFileUri(uri)) return { kind: 'file', root: fileUriToPath(uri) };
  if (isS3Uri(uri)) {
    const location = parseS3Uri(uri);
    const key = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
    return { kind: 's3', location: { bucket: location.bucket, key } };
  }
  throw new Error(`checkpoint URI must start with s3:// or file://, got ${uri}`);
}

/** Copies a file through a temporary name, so readers of the destination never see half of it. */
async function copyAtomically(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  const temp = path.join(path.dirname(to), `.${path.basename(to)}.${randomUUID().slice(0, 8)}.sagekit-part`);
  try {
    await copyFile(from, temp);
    await rename(temp, to);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Creates the checkpoint sync of a job (nothing happens until a method is called). */
export function createCheckpointSync(options: CheckpointSyncOptions): CheckpointSync {
  const destination = parseDestination(options.s3Uri);
  const interval = options.intervalMs ?? 10_000;
  const limiter = createLimiter(4);
  /** host index → relative path → what was last copied (or restored). */
  const seen = options.hostDirs.map(() => new Map<string, Seen>());
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let started = false;
  let stopped = false;

  const remember = async (host: number, rel: string, file: string) => {
    const info = await stat(file);
    seen[host]!.set(rel, { size: info.size, mtimeMs: info.mtimeMs });
  };

  const restore = async (): Promise<void> => {
    let copied = 0;
    if (destination.kind === 'file') {
      const present = await stat(destination.root).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!present) return;
      const files = await walkFiles(destination.root);
      await mapLimited(files, limiter, async (item) => {
        for (const [host, dir] of options.hostDirs.entries()) {
          const target = destinationFor(dir, item.relativePath);
          await copyAtomically(item.path, target);
          await remember(host, item.relativePath, target);
        }
        copied += item.size;
      });
    } else {
      const { location } = destination;
      const keys: Array<{ key: string; rel: string }> = [];
      for await (const object of listObjects(options.s3(), location)) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        keys.push({ key: object.Key, rel: object.Key.slice(location.key.length) });
      }
      await mapLimited(keys, limiter, async ({ key, rel }) => {
        // Download once, then copy on disk to the other hosts.
        const [first, ...others] = options.hostDirs.map((dir) => destinationFor(dir, rel));
        if (!first) return;
        copied += await downloadObject(options.s3(), { bucket: location.bucket, key }, first);
        await remember(0, rel, first);
        for (const [i, target] of others.entries()) {
          await copyAtomically(first, target);
          await remember(i + 1, rel, target);
        }
      });
    }
    options.events.emit('progress', { kind: 'download', label: `checkpoints <- ${options.s3Uri}`, loaded: copied, total: copied, done: true });
  };

  const syncOnce = async (): Promise<void> => {
    let uploaded = 0;
    for (const [host, dir] of options.hostDirs.entries()) {
      const present = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!present) continue;
      const files = await walkFiles(dir);
      const changed = files.filter((item) => {
        const before = seen[host]!.get(item.relativePath);
        return !before || before.size !== item.size || before.mtimeMs !== item.mtimeMs;
      });
      await mapLimited(changed, limiter, async (item) => {
        const info = await stat(item.path);
        if (destination.kind === 'file') {
          await copyAtomically(item.path, destinationFor(destination.root, item.relativePath));
        } else {
          await uploadFile(options.s3(), item.path, { bucket: destination.location.bucket, key: destination.location.key + item.relativePath });
        }
        // What was read is what was current when the copy began; a later change is caught next time.
        seen[host]!.set(item.relativePath, { size: info.size, mtimeMs: info.mtimeMs });
        uploaded += info.size;
      });
    }
    if (uploaded > 0) {
      options.events.emit('progress', { kind: 'upload', label: `checkpoints -> ${options.s3Uri}`, loaded: uploaded, total: uploaded, done: true });
    }
  };

  const tick = () => {
    timer = undefined;
    inFlight = syncOnce()
      .catch((error: unknown) => {
        options.events.warnOnce(`checkpoint sync to ${options.s3Uri} failed (retrying every ${interval / 1000} s): ${(error as Error).message}`);
      })
      .finally(() => {
        inFlight = undefined;
        if (!stopped) schedule();
      });
  };
  const schedule = () => {
    timer = setTimeout(tick, interval);
    timer.unref();
  };

  return {
    restore,
    start() {
      if (started || stopped) return;
      started = true;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      await syncOnce();
    },
  };
}

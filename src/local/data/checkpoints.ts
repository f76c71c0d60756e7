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
 * - The host directories are the container's: symbolic links in them are never followed (they
 *   are skipped, with one warning), and files are read only from inside them.
 * - Syncs never overlap; a failing periodic sync is reported as a warning and retried at the next
 *   interval; the final sync in {@link CheckpointSync.stop} throws.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { downloadObject, listObjects, uploadBody } from '../../s3/transfer.js';
import { fileUriToPath, isFileUri, isS3Uri, parseS3Uri, type S3Location } from '../../s3/uri.js';
import { createLimiter, type Limiter, mapLimited } from '../../util/concurrency.js';
import { createContainedReadStream, walkContained } from '../../util/contained-fs.js';
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

/** What restoring and syncing share: where to, how many transfers at once, what was copied. */
interface SyncState {
  options: CheckpointSyncOptions;
  destination: Destination;
  limiter: Limiter;
  /** host index → relative path → what was last copied (or restored). */
  seen: Map<string, Seen>[];
}

/** Creates the checkpoint sync of a job (nothing happens until a method is called). */
export function createCheckpointSync(options: CheckpointSyncOptions): CheckpointSync {
  const state: SyncState = {
    options,
    destination: parseDestination(options.s3Uri),
    limiter: createLimiter(4),
    seen: options.hostDirs.map(() => new Map<string, Seen>()),
  };
  const interval = options.intervalMs ?? 10_000;
  const periodic = new PeriodicRun(interval, () =>
    syncOnce(state).catch((error: unknown) => {
      options.events.warnOnce(`checkpoint sync to ${options.s3Uri} failed (retrying every ${interval / 1000} s): ${(error as Error).message}`);
    }),
  );
  return {
    restore: () => restore(state),
    start: () => periodic.start(),
    async stop() {
      await periodic.stop();
      await syncOnce(state);
    },
  };
}

/**
 * Runs `work` every `interval` ms, never two at once (the next run is scheduled when one ends).
 * The timer does not keep the process alive.
 */
class PeriodicRun {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(
    private readonly interval: number,
    private readonly work: () => Promise<void>,
  ) {}

  /** Starts the runs; calling it again (or after {@link stop}) does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule();
  }

  /** Stops the runs and waits for one in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(): void {
    this.timer = setTimeout(() => this.tick(), this.interval);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    this.inFlight = this.work().finally(() => {
      this.inFlight = undefined;
      if (!this.stopped) this.schedule();
    });
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function remember(state: SyncState, host: number, rel: string, file: string): Promise<void> {
  const info = await stat(file);
  state.seen[host]!.set(rel, { size: info.size, mtimeMs: info.mtimeMs });
}

/** Copies what is at the destination into every host directory. */
async function restore(state: SyncState): Promise<void> {
  const { destination, options } = state;
  const copied = destination.kind === 'file' ? await restoreFromFolder(state, destination.root) : await restoreFromS3(state, destination.location);
  if (copied === undefined) return;
  options.events.emit('progress', { kind: 'download', label: `checkpoints <- ${options.s3Uri}`, loaded: copied, total: copied, done: true });
}

/** Returns the bytes restored (per file, not per host); undefined when there is no folder yet. */
async function restoreFromFolder(state: SyncState, root: string): Promise<number | undefined> {
  if (!(await isDirectory(root))) return undefined;
  let copied = 0;
  await mapLimited(await walkFiles(root), state.limiter, async (item) => {
    for (const [host, dir] of state.options.hostDirs.entries()) {
      const target = destinationFor(dir, item.relativePath);
      await copyAtomically(item.path, target);
      await remember(state, host, item.relativePath, target);
    }
    copied += item.size;
  });
  return copied;
}

/** Returns the bytes downloaded. */
async function restoreFromS3(state: SyncState, location: S3Location): Promise<number> {
  const { options } = state;
  const keys: Array<{ key: string; rel: string }> = [];
  for await (const object of listObjects(options.s3(), location)) {
    if (!object.Key || object.Key.endsWith('/')) continue;
    keys.push({ key: object.Key, rel: object.Key.slice(location.key.length) });
  }
  let copied = 0;
  await mapLimited(keys, state.limiter, async ({ key, rel }) => {
    // Download once, then copy on disk to the other hosts.
    const [first, ...others] = options.hostDirs.map((dir) => destinationFor(dir, rel));
    if (!first) return;
    copied += await downloadObject(options.s3(), { bucket: location.bucket, key }, first);
    await remember(state, 0, rel, first);
    for (const [i, target] of others.entries()) {
      await copyAtomically(first, target);
      await remember(state, i + 1, rel, target);
    }
  });
  return copied;
}

/** Copies every new or changed file of every host to the destination. */
async function syncOnce(state: SyncState): Promise<void> {
  let uploaded = 0;
  for (const [host, dir] of state.options.hostDirs.entries()) {
    if (await isDirectory(dir)) uploaded += await syncHost(state, host, dir);
  }
  if (uploaded > 0) {
    const { events, s3Uri } = state.options;
    events.emit('progress', { kind: 'upload', label: `checkpoints -> ${s3Uri}`, loaded: uploaded, total: uploaded, done: true });
  }
}

/** Returns the bytes copied from one host's directory. */
async function syncHost(state: SyncState, host: number, dir: string): Promise<number> {
  const seen = state.seen[host]!;
  const { files, links } = await walkContained(dir);
  if (links.length > 0) {
    state.options.events.warnOnce(
      `checkpoints: ${links.length} symbolic link(s) in the checkpoint folder are not synced (links are never followed out of a container's folder): ${links.slice(0, 3).join(', ')}`,
    );
  }
  const changed = files.filter((item) => {
    const before = seen.get(item.relativePath);
    return !before || before.size !== item.size || before.mtimeMs !== item.mtimeMs;
  });
  let uploaded = 0;
  await mapLimited(changed, state.limiter, async (item) => {
    const info = await stat(item.path);
    await copyOut(state, dir, item.path, item.relativePath);
    // What was read is what was current when the copy began; a later change is caught next time.
    seen.set(item.relativePath, { size: info.size, mtimeMs: info.mtimeMs });
    uploaded += info.size;
  });
  return uploaded;
}

/** Copies one file of a host's checkpoint folder (`root`) out, reading it only from inside that folder. */
async function copyOut(state: SyncState, root: string, file: string, rel: string): Promise<void> {
  const { destination } = state;
  const source = await createContainedReadStream(root, file);
  if (destination.kind === 'file') {
    const to = destinationFor(destination.root, rel);
    await mkdir(path.dirname(to), { recursive: true });
    const temp = path.join(path.dirname(to), `.${path.basename(to)}.${randomUUID().slice(0, 8)}.sagekit-part`);
    try {
      await pipeline(source, createWriteStream(temp));
      await rename(temp, to);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  } else {
    await uploadBody(state.options.s3(), { bucket: destination.location.bucket, key: destination.location.key + rel }, source);
  }
}

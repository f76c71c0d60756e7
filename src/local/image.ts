/**
 * Gets the training image ready: build it from a directory when asked, use it when present,
 * pull it when missing (per the pull policy), reporting progress all along.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { SagekitError, UsageError } from '../errors.js';
import type { JobEvents } from '../events.js';
import type { Engine, ProgressEvent } from './engine/types.js';

/** What the image functions need of an engine. */
export type ImageEngine = Pick<Engine, 'images' | 'cliName'>;

/** Options of {@link ensureImage}. */
export interface ImageOptions {
  pull?: 'missing' | 'always' | 'never';
  buildContext?: string;
  buildArgs?: Record<string, string>;
  events: JobEvents;
  /** Receives every line of build output (kept in the job record, so a failed build can be read later). */
  onBuildLine?: (line: string) => void;
}

/** Thrown when the image cannot be had; becomes the job's FailureReason (a ClientError: the image is the user's). */
export class ImageError extends SagekitError {}

async function follow(engine: ImageEngine, stream: NodeJS.ReadableStream, onEvent: (event: ProgressEvent) => void): Promise<void> {
  const failed = await engine.images.followProgress(stream, onEvent);
  if (failed) throw new ImageError(failed);
}

/** Builds `image` from `context` (a directory with a Dockerfile), streaming the build output as info events. */
export async function buildImage(
  engine: ImageEngine,
  image: string,
  context: string,
  buildArgs: Record<string, string> | undefined,
  events: JobEvents,
  onBuildLine?: (line: string) => void,
): Promise<void> {
  const dir = path.resolve(context);
  try {
    await access(path.join(dir, 'Dockerfile'));
  } catch {
    throw new UsageError(`cannot build ${image}: no Dockerfile in ${dir}`, 'set local.buildContext (or --build) to the directory that holds the Dockerfile');
  }
  events.emit('info', `building ${image} from ${dir}`);
  const contextStream = tar.c({ cwd: dir, portable: true }, ['.']);
  const stream = await engine.images.build(contextStream as unknown as NodeJS.ReadableStream, { tag: image, ...(buildArgs && { buildArgs }) });
  let steps = 0;
  await follow(engine, stream, (event) => {
    const text = event.stream?.trimEnd();
    if (!text) return;
    if (/^STEP \d+|^Step \d+/.test(text)) steps++;
    events.emit('progress', { kind: 'build', label: image, loaded: steps, unit: 'steps' });
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      events.emit('info', `  ${line}`);
      onBuildLine?.(line);
    }
  }).catch((error: Error) => {
    throw withOfflineBaseHint(error, buildArgs);
  });
  events.emit('progress', { kind: 'build', label: image, loaded: steps, total: steps, unit: 'steps', done: true });
}

/** A build whose base image could not be pulled (no registry access here) says how to build offline. */
function withOfflineBaseHint(error: Error, buildArgs: Record<string, string> | undefined): Error {
  if (!/pull|registry|dial tcp|no such host|lookup |manifest unknown|network is unreachable/i.test(error.message)) return error;
  const base = buildArgs?.BASE_IMAGE ? ` (BASE_IMAGE=${buildArgs.BASE_IMAGE})` : '';
  return new ImageError(
    `${error.message}. The base image${base} could not be pulled; without registry access build one offline with bash scripts/build-base-image.sh and use it: local.buildArgs.BASE_IMAGE: localhost/sagekit-busybox:latest (or sagekit init --base-image localhost/sagekit-busybox:latest)`,
  );
}

/**
 * Pulls `image`, reporting progress: summed layer bytes when the engine sends byte counts
 * (Docker), else layers finished out of layers seen (Podman's compatible API sends only
 * per-layer states for fast pulls).
 */
async function pullImage(engine: ImageEngine, image: string, events: JobEvents): Promise<void> {
  events.emit('info', `pulling ${image}`);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await engine.images.pull(image);
  } catch (error) {
    throw new ImageError(`cannot pull ${image}: ${(error as Error).message.split('\n')[0]}`);
  }
  const layers = new Map<string, { current: number; total: number; finished: boolean }>();
  const report = (done = false) => {
    let loaded = 0;
    let total = 0;
    let finished = 0;
    for (const layer of layers.values()) {
      loaded += layer.current;
      total += layer.total;
      if (layer.finished) finished++;
    }
    const progress = total
      ? { loaded: done ? total : loaded, total, unit: 'bytes' as const }
      : { loaded: finished, total: layers.size, unit: 'layers' as const };
    events.emit('progress', { kind: 'pull', label: image, ...progress, ...(done && { done }) });
  };
  await follow(engine, stream, (event) => {
    if (!event.id || !event.status || event.status.startsWith('Pulling from')) return;
    const layer = layers.get(event.id) ?? { current: 0, total: 0, finished: false };
    // Docker also sends byte counts while extracting; only the download's count toward progress.
    if (event.status === 'Downloading' && event.progressDetail?.total) {
      layer.current = event.progressDetail.current ?? 0;
      layer.total = event.progressDetail.total;
    }
    if (/^(Download complete|Pull complete|Already exists)/.test(event.status)) {
      layer.finished = true;
      if (layer.total) layer.current = layer.total;
    }
    layers.set(event.id, layer);
    report();
  }).catch((error: Error) => {
    throw new ImageError(`cannot pull ${image}: ${error.message}`);
  });
  report(true);
}

/** Makes `image` available on the engine according to the options. */
export async function ensureImage(engine: ImageEngine, image: string, options: ImageOptions): Promise<void> {
  if (options.buildContext) return buildImage(engine, image, options.buildContext, options.buildArgs, options.events, options.onBuildLine);
  const policy = options.pull ?? 'missing';
  if (policy !== 'always' && (await engine.images.exists(image))) return;
  if (policy === 'never') {
    throw new ImageError(`image ${image} is not on this machine and pull is "never"; build it (local.buildContext / --build) or allow pulling`);
  }
  try {
    await pullImage(engine, image, options.events);
  } catch (error) {
    if (policy === 'always' && (await engine.images.exists(image))) {
      options.events.warnOnce(`could not pull ${image}, using the local copy: ${(error as Error).message}`);
      return;
    }
    const cli = await engine.cliName();
    throw new ImageError(
      `${(error as Error).message}. If the image is yours, build it first (${cli} build -t ${image} DIR, or local.buildContext / --build DIR); a registry may need a login (${cli} login)`,
    );
  }
}

/**
 * Feeds one Pipe-mode FIFO: the channel's objects, in order, streamed (never buffered whole)
 * from disk or S3 into the pipe, optionally gunzipped (`CompressionType: Gzip`) and wrapped one
 * record per object (`RecordWrapperType: RecordIO`), see `pipe-item.ts`.
 *
 * Local files that need no decompression take the worker-thread fast path (`fifo-copier.ts`);
 * S3 objects and gzipped data are streamed through the event loop with backpressure.
 *
 * Stopping is not failing: a reader that closes its end early or an aborted signal ends the feed
 * quietly; only an object that cannot be read rejects, with a {@link ChannelDataError}.
 */
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { JobEvents } from '../../events.js';
import { ChannelDataError } from './errors.js';
import { FifoWriter, waitForReader } from './fifo.js';
import { type FifoCopier, WorkerFeedError } from './fifo-copier.js';
import { type ItemContext, OpenedItem, writeItem } from './pipe-item.js';
import { describeItem } from './placement.js';
import type { DataItem } from './source-types.js';

const PROGRESS_EVERY_MS = 500;

/** One FIFO to feed. */
export interface PipeSpec {
  channel: string;
  uri: string;
  /** Host path of the FIFO. */
  fifo: string;
  /** Host path of the channel's FIFOs without the `_<epoch>` suffix. */
  fifoBase: string;
  /** Which pass over the channel this pipe serves (0 first). */
  epoch: number;
  /** The channel's ShuffleConfig seed: later epochs are reshuffled from it. */
  shuffleSeed?: number;
  /** Host name, for progress labels. */
  host: string;
  items: readonly DataItem[];
  /** The same items grouped as they are shuffled between epochs (an augmented manifest line stays whole). */
  units: readonly (readonly DataItem[])[];
  gzip: boolean;
  recordIO: boolean;
  /** Worker that copies local files (see {@link canUseCopier}); the event loop feeds otherwise. */
  copier?: FifoCopier;
  /**
   * Called once a reader has opened the pipe, before anything is written (the reader waits
   * meanwhile): where the next epoch's pipe is made, so it exists before this one can end.
   */
  onReader?: () => Promise<void>;
}

/** True when a pipe's items can take the worker fast path: local files, no decompression. */
export function canUseCopier(items: readonly DataItem[], gzip: boolean): boolean {
  return !gzip && items.every((item) => item.kind === 'file');
}

/** What feeding needs besides the spec. */
export interface PipeContext extends ItemContext {
  events: JobEvents;
}

/**
 * Streams every item of `spec` into its FIFO. Resolves when all bytes were written and the pipe
 * closed, when the reader closed its end early, or when the signal aborted (also while no reader
 * has opened the pipe yet). Rejects with a {@link ChannelDataError} when an object cannot be read.
 */
export async function feedPipe(spec: PipeSpec, ctx: PipeContext): Promise<void> {
  // Polled without blocking (never a thread stuck in open()), so an abort ends the wait at once.
  const fd = await waitForReader(spec.fifo, ctx.signal);
  if (fd === undefined) return;
  try {
    await spec.onReader?.();
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const progress = new PipeProgress(ctx.events, spec);
  if (spec.copier) await feedWithCopier(spec, spec.copier, ctx.signal, fd, progress);
  else await feedWithWriter(spec, ctx, fd, progress);
}

/** `download` progress events of one pipe. */
class PipeProgress {
  private readonly label: string;
  private last = Date.now();

  constructor(
    private readonly events: JobEvents,
    spec: PipeSpec,
  ) {
    this.label = `${spec.channel} -> ${spec.host} (pipe${spec.epoch > 0 ? `, epoch ${spec.epoch}` : ''})`;
  }

  report(loaded: number): void {
    this.events.emit('progress', { kind: 'download', label: this.label, loaded });
  }

  /** Reports at most every {@link PROGRESS_EVERY_MS}. */
  throttled(loaded: number): void {
    const now = Date.now();
    if (now - this.last < PROGRESS_EVERY_MS) return;
    this.last = now;
    this.report(loaded);
  }

  done(bytes: number): void {
    this.events.emit('progress', { kind: 'download', label: this.label, loaded: bytes, total: bytes, done: true });
  }
}

/** The worker-thread path: the copier writes, progress comes from its messages. */
async function feedWithCopier(spec: PipeSpec, copier: FifoCopier, signal: AbortSignal, fd: number, progress: PipeProgress): Promise<void> {
  try {
    const result = await copier.run(signal, fd, (loaded) => progress.report(loaded));
    if (!result.aborted) progress.done(result.bytes);
  } catch (error) {
    const file = error instanceof WorkerFeedError ? error.file : undefined;
    throw new ChannelDataError(spec.channel, spec.uri, `cannot stream ${file ?? 'a file'} into the pipe: ${(error as Error).message}`, error);
  }
}

/** The event-loop path: a non-blocking socket on the FIFO, destroyed at once on abort. */
async function feedWithWriter(spec: PipeSpec, ctx: PipeContext, fd: number, progress: PipeProgress): Promise<void> {
  const writer = new FifoWriter(new Socket({ fd, readable: false, writable: true }));
  const onAbort = () => void writer.destroy();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const item of spec.items) {
      if (stopped(ctx, writer) || !(await feedItem(spec, item, ctx, writer, progress))) break;
    }
    if (stopped(ctx, writer)) await writer.destroy();
    else await writer.end();
    progress.done(writer.bytes);
  } catch (error) {
    await writer.destroy();
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

/** True once feeding should end without an error: aborted, or the reader went away. */
function stopped(ctx: PipeContext, writer: FifoWriter): boolean {
  return ctx.signal.aborted || writer.readerGone;
}

/** Writes one item; false when feeding stops here. A read failure while still feeding rejects. */
async function feedItem(spec: PipeSpec, item: DataItem, ctx: PipeContext, writer: FifoWriter, progress: PipeProgress): Promise<boolean> {
  const opened = new OpenedItem();
  try {
    const body = await opened.open(item, spec, ctx);
    return await writeItem(writer, body, spec.recordIO, () => progress.throttled(writer.bytes));
  } catch (error) {
    if (stopped(ctx, writer)) return false;
    throw new ChannelDataError(spec.channel, spec.uri, `cannot stream ${describeItem(item)} into the pipe: ${(error as Error).message}`, error);
  } finally {
    await opened.close();
  }
}

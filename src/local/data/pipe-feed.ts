/**
 * Feeds one Pipe-mode FIFO: the channel's objects, in order, streamed (never buffered whole)
 * from disk or S3 into the pipe, optionally gunzipped (`CompressionType: Gzip`) and wrapped one
 * record per object (`RecordWrapperType: RecordIO`).
 *
 * Local files that need no decompression take the worker-thread fast path (`fifo-worker.ts`);
 * S3 objects and gzipped data are streamed through the event loop with backpressure.
 *
 * RecordIO needs each record's length up front. For plain objects that is the file size or the
 * object's Content-Length; a gzipped object is first decompressed into a spool file on disk, so
 * its decompressed size is known without holding it in memory.
 */
import { closeSync, createReadStream, createWriteStream } from 'node:fs';
import { Socket } from 'node:net';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { openObjectStream } from '../../s3/transfer.js';
import { ChannelDataError } from './errors.js';
import { FifoWriter, waitForReader } from './fifo.js';
import { type FifoCopier, WorkerFeedError } from './fifo-worker.js';
import { describeItem } from './placement.js';
import { recordHeader, recordPadding, RECORDIO_MAX_LENGTH } from './recordio.js';
import type { DataItem } from './sources.js';

/** Read size for local files: large reads keep syscalls few; the pipe itself holds 64 KiB. */
const READ_CHUNK = 1024 * 1024;
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
export interface PipeContext {
  s3: () => S3Client;
  events: JobEvents;
  /** Directory for decompressed spool files (Gzip + RecordIO). */
  spoolDir: string;
  signal: AbortSignal;
}

/** Where an object's bytes are and how many there are. */
async function openItem(item: DataItem, ctx: PipeContext): Promise<{ body: Readable; size: number | undefined }> {
  if (item.kind === 'inline') return { body: Readable.from([item.data]), size: item.size };
  if (item.kind === 'file') {
    return { body: createReadStream(item.path, { highWaterMark: READ_CHUNK }), size: (await stat(item.path)).size };
  }
  return openObjectStream(ctx.s3(), item.location, ctx.signal);
}

/**
 * Streams every item of `spec` into its FIFO. Resolves when all bytes were written and the pipe
 * closed, when the reader closed its end early, or when the signal aborted (also while no reader
 * has opened the pipe yet). Rejects with a {@link ChannelDataError} when an object cannot be read.
 */
export async function feedPipe(spec: PipeSpec, ctx: PipeContext): Promise<void> {
  const label = `${spec.channel} -> ${spec.host} (pipe${spec.epoch > 0 ? `, epoch ${spec.epoch}` : ''})`;
  // Polled without blocking (never a thread stuck in open()), so an abort ends the wait at once.
  const fd = await waitForReader(spec.fifo, ctx.signal);
  if (fd === undefined) return;
  try {
    await spec.onReader?.();
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (spec.copier) {
    try {
      const result = await spec.copier.run(ctx.signal, fd, (loaded) => ctx.events.emit('progress', { kind: 'download', label, loaded }));
      if (!result.aborted) ctx.events.emit('progress', { kind: 'download', label, loaded: result.bytes, total: result.bytes, done: true });
    } catch (error) {
      const file = error instanceof WorkerFeedError ? error.file : undefined;
      throw new ChannelDataError(spec.channel, spec.uri, `cannot stream ${file ?? 'a file'} into the pipe: ${(error as Error).message}`, error);
    }
    return;
  }
  const writer = new FifoWriter(new Socket({ fd, readable: false, writable: true }));
  const onAbort = () => void writer.destroy();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const open: Readable[] = [];
  let lastProgress = Date.now();
  try {
    for (const item of spec.items) {
      if (ctx.signal.aborted || writer.readerGone) break;
      let spool: string | undefined;
      try {
        let { body, size } = await openItem(item, ctx);
        open.push(body);
        // Compression applies to stored objects, not to an augmented manifest's inline attributes.
        const gzip = spec.gzip && item.kind !== 'inline';
        if (gzip && spec.recordIO) {
          spool = path.join(ctx.spoolDir, `${randomUUID()}.spool`);
          await mkdir(ctx.spoolDir, { recursive: true });
          await pipeline(body, createGunzip(), createWriteStream(spool), { signal: ctx.signal });
          size = (await stat(spool)).size;
          body = createReadStream(spool, { highWaterMark: READ_CHUNK });
          open.push(body);
        } else if (gzip) {
          const gunzip = createGunzip();
          body.on('error', (error) => gunzip.destroy(error));
          body = body.pipe(gunzip);
          open.push(body);
          size = undefined;
        }
        if (spec.recordIO) {
          if (size === undefined) throw new Error('the object size is unknown, which RecordIO framing needs');
          if (size > RECORDIO_MAX_LENGTH) throw new Error(`${size} bytes do not fit in one RecordIO record (at most ${RECORDIO_MAX_LENGTH})`);
          if (!(await writer.write(recordHeader(size)))) break;
        }
        let written = 0;
        for await (const chunk of body as AsyncIterable<Buffer>) {
          written += chunk.length;
          if (!(await writer.write(chunk))) break;
          const now = Date.now();
          if (now - lastProgress >= PROGRESS_EVERY_MS) {
            lastProgress = now;
            ctx.events.emit('progress', { kind: 'download', label, loaded: writer.bytes });
          }
        }
        if (writer.readerGone) break;
        if (spec.recordIO) {
          if (written !== size) throw new Error(`expected ${size} bytes but read ${written}`);
          if (!(await writer.write(recordPadding(written)))) break;
        }
      } catch (error) {
        if (ctx.signal.aborted || writer.readerGone) break;
        throw new ChannelDataError(spec.channel, spec.uri, `cannot stream ${describeItem(item)} into the pipe: ${(error as Error).message}`, error);
      } finally {
        for (const stream of open.splice(0)) stream.destroy();
        if (spool) await rm(spool, { force: true });
      }
    }
    if (!ctx.signal.aborted && !writer.readerGone) await writer.end();
    else await writer.destroy();
    ctx.events.emit('progress', { kind: 'download', label, loaded: writer.bytes, total: writer.bytes, done: true });
  } catch (error) {
    await writer.destroy();
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

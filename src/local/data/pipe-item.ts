/**
 * One object on its way into a Pipe-mode FIFO: opened from disk, S3 or inline bytes, gunzipped
 * when the channel says `CompressionType: Gzip`, and framed as one RecordIO record when the
 * channel says `RecordWrapperType: RecordIO`.
 *
 * RecordIO needs each record's length up front. For plain objects that is the file size or the
 * object's Content-Length; a gzipped object is first decompressed into a spool file on disk, so
 * its decompressed size is known without holding it in memory.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { openObjectStream } from '../../s3/transfer.js';
import type { FifoWriter } from './fifo.js';
import { recordHeader, recordPadding, RECORDIO_MAX_LENGTH } from './recordio.js';
import type { DataItem } from './source-types.js';

/** Read size for local files: large reads keep syscalls few; the pipe itself holds 64 KiB. */
const READ_CHUNK = 1024 * 1024;

/** How a channel's objects are turned into pipe bytes. */
export interface ItemEncoding {
  gzip: boolean;
  recordIO: boolean;
}

/** What opening an item needs. */
export interface ItemContext {
  s3: () => S3Client;
  /** Directory for decompressed spool files (Gzip + RecordIO). */
  spoolDir: string;
  signal: AbortSignal;
}

/** An item's readable bytes and their count, when known. */
interface OpenBody {
  body: Readable;
  size: number | undefined;
}

/**
 * Everything one item opened (streams, a spool file), released together by {@link close} —
 * whether the item was written fully or failed half way.
 */
export class OpenedItem {
  private readonly streams: Readable[] = [];
  private spool: string | undefined;

  /** Opens `item` decoded as the channel asks (gunzipped, spooled for RecordIO). */
  async open(item: DataItem, encoding: ItemEncoding, ctx: ItemContext): Promise<OpenBody> {
    const raw = this.track(await openRaw(item, ctx));
    // Compression applies to stored objects, not to an augmented manifest's inline attributes.
    const gzip = encoding.gzip && item.kind !== 'inline';
    if (gzip && encoding.recordIO) return this.spooled(raw.body, ctx);
    if (gzip) return this.track({ body: gunzipped(raw.body), size: undefined });
    return raw;
  }

  /** Destroys every stream and removes the spool file. */
  async close(): Promise<void> {
    for (const stream of this.streams.splice(0)) stream.destroy();
    if (this.spool) await rm(this.spool, { force: true });
  }

  private track(opened: OpenBody): OpenBody {
    this.streams.push(opened.body);
    return opened;
  }

  /** Decompresses into a spool file first, so the record length is known. */
  private async spooled(body: Readable, ctx: ItemContext): Promise<OpenBody> {
    this.spool = path.join(ctx.spoolDir, `${randomUUID()}.spool`);
    await mkdir(ctx.spoolDir, { recursive: true });
    await pipeline(body, createGunzip(), createWriteStream(this.spool), { signal: ctx.signal });
    const size = (await stat(this.spool)).size;
    return this.track({ body: createReadStream(this.spool, { highWaterMark: READ_CHUNK }), size });
  }
}

/** Where an object's bytes are and how many there are. */
async function openRaw(item: DataItem, ctx: ItemContext): Promise<OpenBody> {
  if (item.kind === 'inline') return { body: Readable.from([item.data]), size: item.size };
  if (item.kind === 'file') {
    return { body: createReadStream(item.path, { highWaterMark: READ_CHUNK }), size: (await stat(item.path)).size };
  }
  return openObjectStream(ctx.s3(), item.location, ctx.signal);
}

function gunzipped(body: Readable): Readable {
  const gunzip = createGunzip();
  body.on('error', (error) => gunzip.destroy(error));
  return body.pipe(gunzip);
}

/**
 * Writes one opened item into the pipe, as a RecordIO record when asked. Returns false when a
 * write found the reader gone (or the pipe destroyed): feeding stops there. `onChunk` runs after
 * every chunk written (for progress).
 */
export async function writeItem(writer: FifoWriter, opened: OpenBody, recordIO: boolean, onChunk: () => void): Promise<boolean> {
  const { body, size } = opened;
  if (recordIO) {
    if (size === undefined) throw new Error('the object size is unknown, which RecordIO framing needs');
    if (size > RECORDIO_MAX_LENGTH) throw new Error(`${size} bytes do not fit in one RecordIO record (at most ${RECORDIO_MAX_LENGTH})`);
    if (!(await writer.write(recordHeader(size)))) return false;
  }
  let written = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    written += chunk.length;
    if (!(await writer.write(chunk))) return false;
    onChunk();
  }
  if (writer.readerGone) return false;
  if (!recordIO) return true;
  if (written !== size) throw new Error(`expected ${size} bytes but read ${written}`);
  return writer.write(recordPadding(written));
}

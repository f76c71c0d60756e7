/**
 * Byte movement between S3 and the local disk: listing, streaming downloads and multipart
 * uploads (via `@aws-sdk/lib-storage`), all reporting {@link Progress} and honouring an
 * AbortSignal. Files are written under a temporary name and renamed, so a reader never sees a
 * half-written file.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import type { S3Client, _Object } from '@aws-sdk/client-s3';
import type { Progress } from '../events.js';
import type { S3Location } from './uri.js';

/** Receives progress events of a transfer. */
export type ProgressSink = (progress: Progress) => void;

/** Common options of the transfer functions. */
export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: ProgressSink;
  /** Label used in progress events; defaults to the object's URI. */
  label?: string;
}

/** Every object under `prefix` (all pages), in the order S3 lists them (lexicographic by key). */
export async function* listObjects(s3: S3Client, location: S3Location, signal?: AbortSignal): AsyncGenerator<_Object> {
  // The SDK is loaded when S3 is used, not when a local job or the CLI starts.
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, ContinuationToken: token }), { abortSignal: signal });
    for (const object of page.Contents ?? []) yield object;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Opens an object as a stream (for Pipe mode and unpacking without a temp file). */
export async function openObjectStream(s3: S3Client, location: S3Location, signal?: AbortSignal): Promise<{ body: Readable; size: number | undefined }> {
  const { GetObjectCommand } = await import('@aws-sdk/client-s3');
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
    abortSignal: signal,
  });
  if (!response.Body) throw new Error(`empty response body for s3://${location.bucket}/${location.key}`);
  return { body: response.Body as Readable, size: response.ContentLength };
}

/** Counts bytes flowing through and reports them, at most every 100 ms plus once at the end. */
export function progressCounter(kind: Progress['kind'], label: string, total: number | undefined, sink?: ProgressSink): Transform {
  let loaded = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      loaded += chunk.length;
      const now = Date.now();
      if (sink && now - last >= 100) {
        last = now;
        sink({ kind, label, loaded, ...(total === undefined ? {} : { total }) });
      }
      callback(null, chunk);
    },
    flush(callback) {
      sink?.({ kind, label, loaded, total: total ?? loaded, done: true });
      callback();
    },
  });
}

/** Downloads one object to `file` (parent directories created, written atomically). */
export async function downloadObject(s3: S3Client, location: S3Location, file: string, options: TransferOptions = {}): Promise<number> {
  await mkdir(path.dirname(file), { recursive: true });
  const { body, size } = await openObjectStream(s3, location, options.signal);
  const temp = `${file}.sagekit-part`;
  const label = options.label ?? `s3://${location.bucket}/${location.key}`;
  try {
    await pipeline(body, progressCounter('download', label, size, options.onProgress), createWriteStream(temp), {
      signal: options.signal,
    });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return size ?? (await stat(file)).size;
}

/** Uploads a stream or file body to S3 with multipart parallelism and progress. */
export async function uploadBody(
  s3: S3Client,
  location: S3Location,
  body: Readable | Buffer | string,
  options: TransferOptions & { total?: number; contentType?: string; kmsKeyId?: string; metadata?: Record<string, string> } = {},
): Promise<void> {
  const label = options.label ?? `s3://${location.bucket}/${location.key}`;
  const { Upload } = await import('@aws-sdk/lib-storage');
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: location.bucket,
      Key: location.key,
      Body: body,
      ...(options.contentType ? { ContentType: options.contentType } : {}),
      ...(options.metadata ? { Metadata: options.metadata } : {}),
      ...(options.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: options.kmsKeyId } : {}),
    },
    queueSize: 4,
    partSize: 8 * 1024 * 1024,
  });
  upload.on('httpUploadProgress', (p) => {
    options.onProgress?.({
      kind: 'upload',
      label,
      loaded: p.loaded ?? 0,
      ...(options.total !== undefined ? { total: options.total } : p.total !== undefined ? { total: p.total } : {}),
    });
  });
  const onAbort = () => void upload.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  const total = options.total ?? (typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.byteLength(body) : undefined);
  options.onProgress?.({ kind: 'upload', label, loaded: total ?? 0, ...(total === undefined ? {} : { total }), done: true });
}

/** Uploads a local file to S3. */
export async function uploadFile(
  s3: S3Client,
  file: string,
  location: S3Location,
  options: TransferOptions & { contentType?: string; kmsKeyId?: string; metadata?: Record<string, string> } = {},
): Promise<void> {
  const { size } = await stat(file);
  await uploadBody(s3, location, createReadStream(file), { ...options, total: size });
}

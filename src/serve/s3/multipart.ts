/**
 * Multipart uploads: Create, UploadPart, UploadPartCopy, ListParts, Complete, Abort,
 * ListMultipartUploads. Parts are blobs like objects; Complete concatenates them into one new
 * blob (streamed) with S3's multipart ETag (MD5 of the parts' MD5s, then `-<count>`). The upload
 * id is ours (a UUID) and only ever looked up in a map, never used as a path.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { S3Error } from './errors.js';
import { readXmlBody, receiveBody, sendEmpty, sendXmlDocument } from './http.js';
import { checkKey } from './names.js';
import { copySource, objectAttributes } from './object-ops.js';
import { compareKeys, type ObjectRecord, type ObjectStore } from './objects.js';
import { parseXml } from './xml.js';

interface Part {
  blob: string;
  size: number;
  etag: string;
  lastModified: string;
}

interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiated: string;
  attributes: Pick<ObjectRecord, 'contentType' | 'headers' | 'metadata'>;
  parts: Map<number, Part>;
}

/** S3's minimum size of every part but the last. */
const MIN_PART_BYTES = 5 * 1024 * 1024;

const noSuchUpload = (id: string) =>
  new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', 404, {
    UploadId: id.slice(0, 100),
  });

/** The multipart uploads in progress (kept in memory: an upload does not outlive serve). */
export class MultipartUploads {
  private readonly uploads = new Map<string, Upload>();
  /** Answers of completed uploads: a repeated Complete (a client's retry) gets the same answer, as from S3. */
  private readonly completed = new Map<string, { bucket: string; key: string; etag: string }>();

  constructor(private readonly store: ObjectStore) {}

  private upload(id: string, bucket: string, key: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(id);
    return upload;
  }

  create(bucket: string, key: string, request: IncomingMessage, response: ServerResponse): void {
    checkKey(key);
    this.store.requireBucket(bucket);
    const id = randomUUID();
    this.uploads.set(id, { id, bucket, key, initiated: new Date().toISOString(), attributes: objectAttributes(request), parts: new Map() });
    request.resume();
    sendXmlDocument(response, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: id });
  }

  private partNumber(url: URL): number {
    const n = Number(url.searchParams.get('partNumber'));
    if (!Number.isInteger(n) || n < 1 || n > 10000) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400);
    return n;
  }

  private async keepPart(upload: Upload, n: number, part: Part): Promise<void> {
    const before = upload.parts.get(n);
    upload.parts.set(n, part);
    if (before) await this.store.removeBlob(before.blob);
  }

  async uploadPart(bucket: string, key: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const upload = this.upload(url.searchParams.get('uploadId') ?? '', bucket, key);
    const n = this.partNumber(url);
    const body = await receiveBody(this.store, request);
    const etag = body.md5.toString('hex');
    await this.keepPart(upload, n, { blob: body.blob, size: body.size, etag, lastModified: new Date().toISOString() });
    sendEmpty(response, 200, { etag: `"${etag}"`, ...(body.checksum && { [`x-amz-checksum-${body.checksum.algorithm}`]: body.checksum.value }) });
  }

  async uploadPartCopy(bucket: string, key: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const upload = this.upload(url.searchParams.get('uploadId') ?? '', bucket, key);
    const n = this.partNumber(url);
    const from = copySource(String(request.headers['x-amz-copy-source']));
    const source = this.store.getObject(from.bucket, from.key);
    const rangeHeader = request.headers['x-amz-copy-source-range'];
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(rangeHeader ?? ''));
    if (rangeHeader !== undefined && !range)
      throw new S3Error(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        400,
      );
    const start = range ? Number(range[1]) : 0;
    const end = range ? Number(range[2]) : source.size - 1;
    if (range && (start > end || end >= source.size)) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416);
    request.resume();
    const temp = this.store.tempFile();
    const md5 = createHash('md5');
    const file = createWriteStream(temp);
    if (end >= start) {
      const bytes = createReadStream(this.store.blobPath(source.blob), { start, end });
      bytes.on('data', (chunk) => md5.update(chunk));
      await pipeline(bytes, file);
    } else await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const etag = md5.digest('hex');
    await this.keepPart(upload, n, { blob: await this.store.adoptBlob(temp), size: end - start + 1, etag, lastModified: new Date().toISOString() });
    sendXmlDocument(response, 'CopyPartResult', { LastModified: new Date().toISOString(), ETag: `"${etag}"` });
  }

  listParts(bucket: string, key: string, url: URL, response: ServerResponse): void {
    const upload = this.upload(url.searchParams.get('uploadId') ?? '', bucket, key);
    const marker = Number(url.searchParams.get('part-number-marker') ?? 0);
    const max = Math.min(Number(url.searchParams.get('max-parts') ?? 1000), 1000);
    const numbers = [...upload.parts.keys()].sort((a, b) => a - b).filter((n) => n > marker);
    const shown = numbers.slice(0, max);
    sendXmlDocument(response, 'ListPartsResult', {
      Bucket: bucket,
      Key: key,
      UploadId: upload.id,
      PartNumberMarker: marker,
      ...(shown.length > 0 && { NextPartNumberMarker: shown.at(-1) }),
      MaxParts: max,
      IsTruncated: numbers.length > shown.length,
      Part: shown.map((n) => {
        const part = upload.parts.get(n)!;
        return { PartNumber: n, LastModified: part.lastModified, ETag: `"${part.etag}"`, Size: part.size };
      }),
    });
  }

  listUploads(bucket: string, url: URL, response: ServerResponse): void {
    this.store.requireBucket(bucket);
    const prefix = url.searchParams.get('prefix') ?? '';
    const uploads = [...this.uploads.values()].filter((u) => u.bucket === bucket && u.key.startsWith(prefix)).sort((a, b) => compareKeys(a.key, b.key));
    sendXmlDocument(response, 'ListMultipartUploadsResult', {
      Bucket: bucket,
      Prefix: prefix,
      MaxUploads: 1000,
      IsTruncated: false,
      Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.id, Initiated: u.initiated, StorageClass: 'STANDARD' })),
    });
  }

  async abort(bucket: string, key: string, url: URL, response: ServerResponse): Promise<void> {
    const upload = this.upload(url.searchParams.get('uploadId') ?? '', bucket, key);
    this.uploads.delete(upload.id);
    for (const part of upload.parts.values()) await this.store.removeBlob(part.blob);
    sendEmpty(response, 204);
  }

  async complete(bucket: string, key: string, url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const done = this.completed.get(url.searchParams.get('uploadId') ?? '');
    if (done && done.bucket === bucket && done.key === key) {
      request.resume();
      return sendXmlDocument(response, 'CompleteMultipartUploadResult', { Location: `/${bucket}/${key}`, Bucket: bucket, Key: key, ETag: `"${done.etag}"` });
    }
    const upload = this.upload(url.searchParams.get('uploadId') ?? '', bucket, key);
    const chosen = this.chosenParts(upload, await readXmlBody(request));
    const temp = this.store.tempFile();
    try {
      const out = createWriteStream(temp);
      for (const part of chosen) await pipeline(createReadStream(this.store.blobPath(part.blob)), out, { end: false });
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const digest = createHash('md5');
    for (const part of chosen) digest.update(Buffer.from(part.etag, 'hex'));
    const etag = `${digest.digest('hex')}-${chosen.length}`;
    const size = chosen.reduce((sum, part) => sum + part.size, 0);
    const blob = await this.store.adoptBlob(temp);
    await this.store.putObject({ bucket, key, blob, size, etag, lastModified: new Date().toISOString(), ...upload.attributes });
    this.uploads.delete(upload.id);
    this.completed.set(upload.id, { bucket, key, etag });
    for (const part of upload.parts.values()) await this.store.removeBlob(part.blob);
    sendXmlDocument(response, 'CompleteMultipartUploadResult', { Location: `/${bucket}/${key}`, Bucket: bucket, Key: key, ETag: `"${etag}"` });
  }

  /** The parts a CompleteMultipartUpload body names, checked as S3 checks them. */
  private chosenParts(upload: Upload, xml: string): Part[] {
    let parsed: Record<string, unknown>;
    try {
      parsed = parseXml(xml);
    } catch {
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    }
    const listed = ((parsed.CompleteMultipartUpload ?? {}) as { Part?: Array<{ PartNumber?: unknown; ETag?: unknown }> }).Part ?? [];
    if (listed.length === 0)
      throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
    let previous = 0;
    const chosen = listed.map((entry) => {
      const n = Number(entry.PartNumber);
      if (!Number.isInteger(n) || n <= previous)
        throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', 400);
      previous = n;
      const part = upload.parts.get(n);
      const etag = String(entry.ETag ?? '')
        .replace(/"/g, '')
        .trim();
      if (!part || (etag !== '' && etag !== part.etag)) {
        throw new S3Error(
          'InvalidPart',
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          400,
        );
      }
      return part;
    });
    chosen.slice(0, -1).forEach((part) => {
      if (part.size < MIN_PART_BYTES) throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', 400);
    });
    return chosen;
  }
}

/** Reading S3 requests and writing S3 answers. */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder, isAwsChunked } from './chunked.js';
import { ChecksumTap, requestedAlgorithm, verifyDigests } from './checksums.js';
import { S3Error } from './errors.js';
import type { ObjectStore } from './objects.js';
import { xmlDocument, xmlError } from './xml.js';

/** Largest object one PUT (or one part) may carry: S3's own limit is 5 GiB. */
const MAX_OBJECT_BYTES = 5 * 1024 ** 3;
/** Largest XML request body (DeleteObjects of 1 000 keys fits well). */
const MAX_XML_BYTES = 2 * 1024 * 1024;

/** What a received body became. */
export interface ReceivedBody {
  blob: string;
  size: number;
  md5: Buffer;
  checksum?: { algorithm: string; value: string };
}

/**
 * Streams the request body to a blob (aws-chunked decoded, MD5 and the flexible checksum
 * computed and verified on the way), never holding it in memory.
 */
export async function receiveBody(store: ObjectStore, request: IncomingMessage): Promise<ReceivedBody> {
  const declared = Number(request.headers['x-amz-decoded-content-length'] ?? request.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_OBJECT_BYTES)
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400);
  const temp = store.tempFile();
  const decoder = isAwsChunked(request.headers) ? new AwsChunkedDecoder() : undefined;
  const tap = new ChecksumTap(requestedAlgorithm(request.headers));
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (tap.bytes > MAX_OBJECT_BYTES) callback(new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400));
      else callback(null, chunk);
    },
  });
  try {
    const file = createWriteStream(temp);
    if (decoder) await pipeline(request, decoder, tap, limit, file);
    else await pipeline(request, tap, limit, file);
    const computed = await tap.results();
    verifyDigests(request.headers, decoder?.trailers ?? {}, computed);
    if (Number.isFinite(declared) && request.headers['x-amz-decoded-content-length'] !== undefined && declared !== tap.bytes) {
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.', 400);
    }
    const blob = await store.adoptBlob(temp);
    return { blob, size: tap.bytes, md5: computed.md5, ...(computed.checksum && { checksum: computed.checksum }) };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The whole (small) XML body of a request as text. */
export async function readXmlBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_XML_BYTES) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.', 400);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function common(extra: Record<string, string | number> = {}): Record<string, string | number> {
  return { 'x-amz-request-id': randomUUID(), 'x-amz-id-2': randomUUID(), ...extra };
}

/** An XML answer. */
export function sendXmlDocument(response: ServerResponse, root: string, body: Record<string, unknown>, status = 200): void {
  const xml = xmlDocument(root, body);
  response.writeHead(status, common({ 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) }));
  response.end(xml);
}

/** An answer without a body. */
export function sendEmpty(response: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  response.writeHead(status, common({ 'content-length': 0, ...headers }));
  response.end();
}

/** An S3 error document (HEAD answers carry no body). */
export function sendS3Failure(response: ServerResponse, error: S3Error, method: string | undefined): void {
  if (response.headersSent) return void response.destroy();
  const id = randomUUID();
  const xml = method === 'HEAD' ? '' : xmlError(error.code, error.message, error.extra, id);
  response.writeHead(error.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml), 'x-amz-request-id': id });
  response.end(xml);
}

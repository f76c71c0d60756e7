/** PutObject, GetObject, HeadObject, DeleteObject and CopyObject. */
import { copyFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { S3Error } from './errors.js';
import { receiveBody, sendEmpty, sendXmlDocument } from './http.js';
import { checkKey } from './names.js';
import type { ObjectRecord, ObjectStore } from './objects.js';

/** Headers S3 stores with an object and returns on GET/HEAD as they were sent. */
const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'];

/** Content-Type, the stored headers and `x-amz-meta-*` of a request. */
export function objectAttributes(request: IncomingMessage): Pick<ObjectRecord, 'contentType' | 'headers' | 'metadata'> {
  const headers: Record<string, string> = {};
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value !== 'string') continue;
    if (STORED_HEADERS.includes(name)) headers[name] = name === 'content-encoding' ? value.replace(/\s*,?\s*aws-chunked\s*,?\s*/i, '') : value;
    else if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  if (headers['content-encoding'] === '') delete headers['content-encoding'];
  const size = Object.entries(metadata).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  if (size > 2048) throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400);
  return { contentType: request.headers['content-type'] ?? 'binary/octet-stream', headers, metadata };
}

/** The headers of a GET/HEAD answer. */
function objectHeaders(object: ObjectRecord): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-type': object.contentType,
    etag: `"${object.etag}"`,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    ...object.headers,
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (object.checksum) headers[`x-amz-checksum-${object.checksum.algorithm}`] = object.checksum.value;
  return headers;
}

/** Conditional writes: `If-Match` needs the object with that ETag, `If-None-Match: *` needs no object. */
function checkWriteConditions(current: ObjectRecord | undefined, request: IncomingMessage): void {
  const { 'if-match': ifMatch, 'if-none-match': ifNoneMatch } = request.headers;
  const failed = () => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
  if (ifMatch !== undefined) {
    if (!current) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
    if (ifMatch.replace(/"/g, '').trim() !== current.etag && ifMatch.trim() !== '*') throw failed();
  }
  if (ifNoneMatch?.trim() === '*' && current) throw failed();
}

export async function putObject(store: ObjectStore, bucket: string, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  checkKey(key);
  store.requireBucket(bucket);
  checkWriteConditions(store.findObject(bucket, key), request);
  const attributes = objectAttributes(request);
  const body = await receiveBody(store, request);
  const etag = body.md5.toString('hex');
  await store.putObject({
    bucket,
    key,
    blob: body.blob,
    size: body.size,
    etag,
    lastModified: new Date().toISOString(),
    ...attributes,
    ...(body.checksum && { checksum: body.checksum }),
  });
  sendEmpty(response, 200, { etag: `"${etag}"`, ...(body.checksum && { [`x-amz-checksum-${body.checksum.algorithm}`]: body.checksum.value }) });
}

/** 304 / 412 for conditional requests, as S3 answers them; undefined to go on. */
function conditionStatus(object: ObjectRecord, request: IncomingMessage): number | undefined {
  const etag = `"${object.etag}"`;
  const modified = Math.floor(new Date(object.lastModified).getTime() / 1000) * 1000;
  const { 'if-match': ifMatch, 'if-none-match': ifNoneMatch } = request.headers;
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  const unmodified = Date.parse(request.headers['if-unmodified-since'] ?? '');
  const matches = (list: string) => list.split(',').some((tag) => tag.trim() === '*' || tag.trim() === etag || tag.trim() === object.etag);
  if (ifMatch !== undefined && !matches(ifMatch)) return 412;
  if (ifMatch === undefined && Number.isFinite(unmodified) && modified > unmodified) return 412;
  if (ifNoneMatch !== undefined && matches(ifNoneMatch)) return 304;
  if (ifNoneMatch === undefined && Number.isFinite(since) && modified <= since) return 304;
  return undefined;
}

/** The byte range a `Range: bytes=…` header asks for; undefined for the whole object or an unparsable header (S3 ignores those). */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end)
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: header ?? '', ActualObjectSize: String(size) });
  return { start, end };
}

export async function getObject(store: ObjectStore, bucket: string, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const object = store.getObject(bucket, key);
  const status = conditionStatus(object, request);
  if (status === 412) throw new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
  if (status === 304) return sendEmpty(response, 304, { etag: `"${object.etag}"` });
  const headers = objectHeaders(object);
  // GetObject's response-* parameters override the stored headers (presigned downloads use them).
  for (const name of ['content-type', 'content-language', 'expires', 'cache-control', 'content-disposition', 'content-encoding']) {
    const override = new URL(request.url ?? '/', 'http://s3.invalid').searchParams.get(`response-${name}`);
    if (override !== null) headers[name] = override;
  }
  const range = rangeOf(request.headers.range, object.size);
  const head = request.method === 'HEAD';
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${object.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else headers['content-length'] = object.size;
  response.writeHead(range ? 206 : 200, headers);
  if (head || object.size === 0) return void response.end();
  await pipeline(createReadStream(store.blobPath(object.blob), range ?? {}), response);
}

export async function deleteObject(store: ObjectStore, bucket: string, key: string, response: ServerResponse): Promise<void> {
  await store.deleteObject(bucket, key);
  sendEmpty(response, 204);
}

/** `x-amz-copy-source` as bucket and key (`/bucket/key` or `bucket/key`, URL-encoded, an optional `?versionId=`). */
export function copySource(header: string): { bucket: string; key: string } {
  const [path = ''] = header.split('?', 1);
  const trimmed = path.replace(/^\//, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 400);
  try {
    return { bucket: decodeURIComponent(trimmed.slice(0, slash)), key: decodeURIComponent(trimmed.slice(slash + 1)) };
  } catch {
    throw new S3Error('InvalidArgument', 'Copy Source is not URL-encoded correctly', 400);
  }
}

export async function copyObject(store: ObjectStore, bucket: string, key: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  checkKey(key);
  store.requireBucket(bucket);
  const from = copySource(String(request.headers['x-amz-copy-source']));
  const source = store.getObject(from.bucket, from.key);
  const replace = String(request.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase() === 'REPLACE';
  if (from.bucket === bucket && from.key === key && !replace) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      400,
    );
  }
  request.resume();
  const temp = store.tempFile();
  await copyFile(store.blobPath(source.blob), temp);
  const blob = await store.adoptBlob(temp);
  const attributes = replace ? objectAttributes(request) : { contentType: source.contentType, headers: source.headers, metadata: source.metadata };
  const record: ObjectRecord = { ...source, ...attributes, bucket, key, blob, lastModified: new Date().toISOString() };
  await store.putObject(record);
  sendXmlDocument(response, 'CopyObjectResult', { LastModified: record.lastModified, ETag: `"${record.etag}"` });
}

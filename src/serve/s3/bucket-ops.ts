/** Bucket operations and listings: ListBuckets, Create/Delete/HeadBucket, GetBucketLocation, ListObjects V1/V2, ListObjectVersions, DeleteObjects. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';
import { readXmlBody, sendEmpty, sendXmlDocument } from './http.js';
import { listPage } from './listing.js';
import { checkBucketName } from './names.js';
import type { ObjectRecord, ObjectStore } from './objects.js';
import { parseXml } from './xml.js';

const OWNER = { ID: 'sagekit', DisplayName: 'sagekit' };

export function listBuckets(store: ObjectStore, url: URL, response: ServerResponse): void {
  const max = Math.min(Number(url.searchParams.get('max-buckets') ?? 10000) || 10000, 10000);
  const token = url.searchParams.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const all = store.listBuckets().filter((b) => b.name > after);
  const page = all.slice(0, max);
  const buckets = page.map((b) => ({ Name: b.name, CreationDate: b.created }));
  const next = all.length > page.length ? { ContinuationToken: Buffer.from(page.at(-1)!.name, 'utf8').toString('base64url') } : {};
  sendXmlDocument(response, 'ListAllMyBucketsResult', { Owner: OWNER, Buckets: { Bucket: buckets }, ...next });
}

export async function createBucket(store: ObjectStore, bucket: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  checkBucketName(bucket);
  // The body may name a LocationConstraint: one store, every region.
  await readXmlBody(request);
  await store.createBucket(bucket);
  sendEmpty(response, 200, { location: `/${bucket}` });
}

/** The listing parameters common to every list call. */
function listParams(url: URL): { prefix: string; delimiter: string; maxKeys: number; encode: (s: string) => string; encoding?: string } {
  const raw = url.searchParams.get('max-keys');
  const maxKeys = raw === null ? 1000 : Number(raw);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400);
  const encoding = url.searchParams.get('encoding-type') ?? undefined;
  if (encoding !== undefined && encoding !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', 400);
  // S3's url encoding: percent-encoded UTF-8, `/` kept.
  const encode = encoding ? (s: string) => encodeURIComponent(s).replace(/%2F/gi, '/') : (s: string) => s;
  return {
    prefix: url.searchParams.get('prefix') ?? '',
    delimiter: url.searchParams.get('delimiter') ?? '',
    maxKeys: Math.min(maxKeys, 1000),
    encode,
    ...(encoding && { encoding }),
  };
}

function contentOf(object: ObjectRecord, encode: (s: string) => string, owner: boolean): Record<string, unknown> {
  return {
    Key: encode(object.key),
    LastModified: object.lastModified,
    ETag: `"${object.etag}"`,
    Size: object.size,
    StorageClass: 'STANDARD',
    ...(owner && { Owner: OWNER }),
    ...(object.checksum && { ChecksumAlgorithm: object.checksum.algorithm.toUpperCase() }),
  };
}

export function listObjects(store: ObjectStore, bucket: string, url: URL, response: ServerResponse): void {
  const params = listParams(url);
  const v2 = url.searchParams.get('list-type') === '2';
  const token = url.searchParams.get('continuation-token');
  let after = url.searchParams.get('marker') ?? '';
  if (v2) {
    const startAfter = url.searchParams.get('start-after') ?? '';
    if (token) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (Buffer.from(after, 'utf8').toString('base64url') !== token) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', 400);
    } else after = startAfter;
  }
  const page = listPage(store.sortedKeys(bucket), { ...params, after });
  const { encode } = params;
  const body: Record<string, unknown> = {
    Name: bucket,
    // V1 answers its Prefix as sent (the SDKs decode it only in V2).
    Prefix: v2 ? encode(params.prefix) : params.prefix,
    ...(v2 ? {} : { Marker: encode(url.searchParams.get('marker') ?? '') }),
    ...(params.delimiter && { Delimiter: encode(params.delimiter) }),
    MaxKeys: params.maxKeys,
    ...(params.encoding && { EncodingType: params.encoding }),
    IsTruncated: page.isTruncated,
  };
  if (v2) {
    body.KeyCount = page.keys.length + page.commonPrefixes.length;
    if (token !== null) body.ContinuationToken = token;
    if (url.searchParams.has('start-after')) body.StartAfter = encode(url.searchParams.get('start-after') ?? '');
    if (page.isTruncated && page.last !== undefined) body.NextContinuationToken = Buffer.from(page.last, 'utf8').toString('base64url');
  } else if (page.isTruncated && params.delimiter && page.last !== undefined) body.NextMarker = encode(page.last);
  const owner = !v2 || url.searchParams.get('fetch-owner') === 'true';
  body.Contents = page.keys.map((key) => contentOf(store.getObject(bucket, key), encode, owner));
  body.CommonPrefixes = page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) }));
  sendXmlDocument(response, 'ListBucketResult', body);
}

/** ListObjectVersions of an unversioned bucket: every object once, version "null", latest. */
export function listObjectVersions(store: ObjectStore, bucket: string, url: URL, response: ServerResponse): void {
  const params = listParams(url);
  const after = url.searchParams.get('key-marker') ?? '';
  const page = listPage(store.sortedKeys(bucket), { ...params, after });
  const { encode } = params;
  sendXmlDocument(response, 'ListVersionsResult', {
    Name: bucket,
    Prefix: encode(params.prefix),
    KeyMarker: encode(after),
    VersionIdMarker: '',
    ...(params.delimiter && { Delimiter: encode(params.delimiter) }),
    MaxKeys: params.maxKeys,
    ...(params.encoding && { EncodingType: params.encoding }),
    IsTruncated: page.isTruncated,
    ...(page.isTruncated && page.last !== undefined && { NextKeyMarker: encode(page.last), NextVersionIdMarker: 'null' }),
    Version: page.keys.map((key) => ({ ...contentOf(store.getObject(bucket, key), encode, true), VersionId: 'null', IsLatest: true })),
    CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
  });
}

export async function deleteObjects(store: ObjectStore, bucket: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  store.requireBucket(bucket);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseXml(await readXmlBody(request));
  } catch {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  }
  const doc = (parsed.Delete ?? {}) as { Object?: Array<{ Key?: unknown }>; Quiet?: unknown };
  const objects = doc.Object ?? [];
  if (objects.length === 0 || objects.length > 1000) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  }
  const quiet = String(doc.Quiet ?? '').trim() === 'true';
  const deleted: Array<{ Key: string }> = [];
  for (const object of objects) {
    const key = typeof object.Key === 'string' ? object.Key : String(object.Key ?? '');
    await store.deleteObject(bucket, key);
    deleted.push({ Key: key });
  }
  sendXmlDocument(response, 'DeleteResult', quiet ? {} : { Deleted: deleted });
}

/**
 * The embedded S3 store's request handler (S3 REST, path-style: `/<bucket>/<key>`), served
 * in-process on serve's own port — so serve's Host/Origin guard and `--access-key-id` are its
 * only door. Operations are chosen by method, path and query as S3 chooses them; what the store
 * does not implement answers NotImplemented.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createBucket, deleteObjects, listBuckets, listObjects, listObjectVersions } from './bucket-ops.js';
import { S3Error } from './errors.js';
import { sendEmpty, sendS3Failure, sendXmlDocument } from './http.js';
import { MultipartUploads } from './multipart.js';
import { copyObject, deleteObject, getObject, putObject } from './object-ops.js';
import { ObjectStore } from './objects.js';

/** Bucket sub-resources the store answers (anything else on a bucket is NotImplemented). */
const BUCKET_QUERIES = new Set([
  'location',
  'versions',
  'uploads',
  'delete',
  'list-type',
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'encoding-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'key-marker',
  'version-id-marker',
  'versioning',
  'x-id',
]);

/** Bucket and key of a path-style request path; InvalidURI for bad percent-encoding. */
function target(rawPath: string): { bucket: string; key: string } {
  const path = rawPath.replace(/^\//, '');
  const slash = path.indexOf('/');
  try {
    if (slash < 0) return { bucket: decodeURIComponent(path), key: '' };
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

function notImplemented(what: string): S3Error {
  return new S3Error('NotImplemented', `${what} is not implemented by sagekit's S3 store`, 501);
}

async function bucketRequest(
  store: ObjectStore,
  uploads: MultipartUploads,
  bucket: string,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const q = url.searchParams;
  const unknown = [...q.keys()].find((name) => !BUCKET_QUERIES.has(name));
  if (unknown) throw notImplemented(`the bucket sub-resource "${unknown}"`);
  switch (request.method) {
    case 'PUT':
      if (q.has('versioning')) throw notImplemented('versioning');
      return createBucket(store, bucket, request, response);
    case 'DELETE':
      await store.deleteBucket(bucket);
      return sendEmpty(response, 204);
    case 'HEAD':
      store.requireBucket(bucket);
      return sendEmpty(response, 200, { 'x-amz-bucket-region': 'us-east-1' });
    case 'POST':
      if (q.has('delete')) return deleteObjects(store, bucket, request, response);
      throw notImplemented('POST on a bucket (browser uploads)');
    case 'GET':
      store.requireBucket(bucket);
      if (q.has('location')) return sendXmlDocument(response, 'LocationConstraint', {});
      if (q.has('versioning')) return sendXmlDocument(response, 'VersioningConfiguration', {});
      if (q.has('versions')) return listObjectVersions(store, bucket, url, response);
      if (q.has('uploads')) return uploads.listUploads(bucket, url, response);
      return listObjects(store, bucket, url, response);
    default:
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }
}

async function objectRequest(
  store: ObjectStore,
  uploads: MultipartUploads,
  bucket: string,
  key: string,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const q = url.searchParams;
  const uploadId = q.has('uploadId');
  for (const name of ['acl', 'tagging', 'retention', 'legal-hold', 'torrent', 'restore', 'attributes', 'select'])
    if (q.has(name)) throw notImplemented(`the object sub-resource "${name}"`);
  switch (request.method) {
    case 'PUT':
      if (uploadId)
        return request.headers['x-amz-copy-source']
          ? uploads.uploadPartCopy(bucket, key, url, request, response)
          : uploads.uploadPart(bucket, key, url, request, response);
      return request.headers['x-amz-copy-source'] ? copyObject(store, bucket, key, request, response) : putObject(store, bucket, key, request, response);
    case 'GET':
      if (uploadId) return uploads.listParts(bucket, key, url, response);
      return getObject(store, bucket, key, request, response);
    case 'HEAD':
      return getObject(store, bucket, key, request, response);
    case 'DELETE':
      if (uploadId) return uploads.abort(bucket, key, url, response);
      store.requireBucket(bucket);
      return deleteObject(store, bucket, key, response);
    case 'POST':
      if (q.has('uploads')) return uploads.create(bucket, key, request, response);
      if (uploadId) return uploads.complete(bucket, key, url, request, response);
      throw notImplemented('this POST on an object');
    default:
      throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
  }
}

/** An embedded store: its data under `root`, its handler for serve's port. */
export interface EmbeddedStore {
  handle: RequestListener;
  store: ObjectStore;
}

/** Opens the store under `root` and returns its request handler. */
export async function openEmbeddedStore(root: string, log: (line: string) => void = () => undefined): Promise<EmbeddedStore> {
  const store = await ObjectStore.open(root);
  const uploads = new MultipartUploads(store);
  const handle: RequestListener = (request, response) => {
    const url = new URL(request.url ?? '/', 'http://s3.invalid');
    // The raw path: URL parsing would resolve `..` segments, which in S3 are just key text.
    const rawPath = (request.url ?? '/').split('?', 1)[0]!;
    const run = async (): Promise<void> => {
      const { bucket, key } = target(rawPath);
      if (bucket === '') {
        if (request.method !== 'GET') throw new S3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
        return listBuckets(store, url, response);
      }
      if (key === '') return bucketRequest(store, uploads, bucket, url, request, response);
      return objectRequest(store, uploads, bucket, key, url, request, response);
    };
    run().catch((error: unknown) => {
      // Cut off mid-answer (a client that closed early, a failing read): nothing more to say.
      if (response.headersSent) return void response.destroy();
      const answer = error instanceof S3Error ? error : new S3Error('InternalError', 'We encountered an internal error. Please try again.', 500);
      if (!(error instanceof S3Error)) log(`S3 ${request.method} ${rawPath.slice(0, 200)}: ${(error as Error).message}`);
      // A body the store did not read is drained (bounded by the connection's close), so the answer reaches the client.
      if (!request.readableEnded) {
        response.setHeader('connection', 'close');
        request.resume();
      }
      sendS3Failure(response, answer, request.method);
    });
  };
  return { handle, store };
}

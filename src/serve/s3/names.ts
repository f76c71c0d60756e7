/**
 * S3's rules for bucket names and object keys, checked before anything is stored. The store
 * never turns either into a file path (see `objects.ts`); these rules are S3's own, so clients
 * get the errors S3 would give them.
 */
import { S3Error } from './errors.js';

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Throws InvalidBucketName unless `name` follows S3's general-purpose bucket naming rules. */
export function checkBucketName(name: string): void {
  const ok =
    BUCKET_PATTERN.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.startsWith('sthree-') &&
    !name.endsWith('-s3alias') &&
    !name.endsWith('--ol-s3');
  if (!ok) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name.slice(0, 255) });
}

/** Longest key S3 accepts, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/** Throws KeyTooLongError / InvalidArgument unless `key` is a key S3 would store. */
export function checkKey(key: string): void {
  if (key === '') throw new S3Error('InvalidArgument', 'The object key must not be empty.', 400);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long', 400);
}

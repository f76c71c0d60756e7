/**
 * Parsing and joining of the storage URIs sagekit accepts: `s3://bucket/key` and `file:///abs/path`.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

/** A parsed `s3://bucket/key` URI. `key` may be empty (the bucket root) and may end in `/`. */
export interface S3Location {
  bucket: string;
  key: string;
}

const S3_URI = /^s3:\/\/([^/]+)(?:\/(.*))?$/;

/** True for `s3://…` URIs. */
export function isS3Uri(uri: string): boolean {
  return uri.startsWith('s3://');
}

/** True for `file://…` URIs. */
export function isFileUri(uri: string): boolean {
  return uri.startsWith('file://');
}

/** Splits `s3://bucket/key` into bucket and key; throws on anything else. */
export function parseS3Uri(uri: string): S3Location {
  const match = S3_URI.exec(uri);
  if (!match?.[1]) throw new Error(`not an S3 URI: ${uri}`);
  return { bucket: match[1], key: match[2] ?? '' };
}

/** Formats a bucket and key as `s3://bucket/key`. */
export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * Joins URI segments with single slashes, keeping the scheme's `//` intact
 * (`joinUri('s3://b/out/', 'job', 'output')` → `s3://b/out/job/output`).
 */
export function joinUri(base: string, ...segments: string[]): string {
  let result = base;
  for (const segment of segments) {
    const clean = segment.replace(/^\/+/, '');
    if (!clean) continue;
    result = result.endsWith('/') ? result + clean : `${result}/${clean}`;
  }
  return result;
}

/** Absolute filesystem path of a `file://` URI. */
export function fileUriToPath(uri: string): string {
  return fileURLToPath(uri);
}

/** `file://` URI of a filesystem path (resolved against `base`, default the current directory). */
export function pathToFileUri(p: string, base = process.cwd()): string {
  return pathToFileURL(path.resolve(base, p)).href;
}

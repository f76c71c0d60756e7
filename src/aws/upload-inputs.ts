/**
 * Local inputs of a cloud job (`file://` channels: a directory or a single file) are uploaded
 * to `s3://<bucket>/<jobName>/input/<channel>/` and the request is rewritten to point there.
 * A file whose object already exists with the same size and SHA-256 (kept in the object's
 * `sagekit-sha256` metadata) is not uploaded again — e.g. when a job is re-submitted after
 * CreateTrainingJob failed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Channel, CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { UsageError } from '../errors.js';
import type { JobEvents } from '../events.js';
import { createLimiter } from '../util/concurrency.js';
import { uploadFile } from '../s3/transfer.js';
import { fileUriToPath, formatS3Uri, isFileUri } from '../s3/uri.js';

/** Metadata key holding a file's SHA-256 on objects sagekit uploaded. */
export const CHECKSUM_METADATA = 'sagekit-sha256';
const CONCURRENT_FILES = 4;

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

async function walk(dir: string, prefix = ''): Promise<Array<{ file: string; relative: string }>> {
  const out: Array<{ file: string; relative: string }> = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(file, relative)));
    else if (entry.isFile() || entry.isSymbolicLink()) out.push({ file, relative });
  }
  return out;
}

async function alreadyThere(s3: S3Client, bucket: string, key: string, size: number, checksum: string): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.ContentLength === size && head.Metadata?.[CHECKSUM_METADATA] === checksum;
  } catch {
    return false;
  }
}

/** What the upload did, for reporting and tests. */
export interface UploadSummary {
  uploaded: string[];
  skipped: string[];
}

/**
 * Uploads the `file://` channels of `request` and returns a rewritten copy (the caller's request
 * is not changed).
 */
export async function uploadLocalInputs(
  request: CreateTrainingJobRequest,
  options: { s3: S3Client; bucket: string; events: JobEvents; signal?: AbortSignal },
): Promise<{ request: CreateTrainingJobRequest; summary: UploadSummary }> {
  const copy = structuredClone(request);
  const summary: UploadSummary = { uploaded: [], skipped: [] };
  const limit = createLimiter(CONCURRENT_FILES);
  for (const channel of copy.InputDataConfig ?? []) {
    const source = channel.DataSource?.S3DataSource;
    if (!source?.S3Uri || !isFileUri(source.S3Uri)) continue;
    source.S3Uri = await uploadChannel(channel, fileUriToPath(source.S3Uri), copy.TrainingJobName!, limit, options, summary);
  }
  return { request: copy, summary };
}

async function uploadChannel(
  channel: Channel,
  local: string,
  jobName: string,
  limit: ReturnType<typeof createLimiter>,
  options: { s3: S3Client; bucket: string; events: JobEvents; signal?: AbortSignal },
  summary: UploadSummary,
): Promise<string> {
  const info = await stat(local).catch(() => undefined);
  if (!info) throw new UsageError(`input channel ${channel.ChannelName}: ${local} does not exist`);
  const prefix = `${jobName}/input/${channel.ChannelName}/`;
  const files = info.isDirectory() ? await walk(local) : [{ file: local, relative: path.basename(local) }];
  if (!files.length) throw new UsageError(`input channel ${channel.ChannelName}: ${local} is empty`);
  options.events.emit('info', `uploading ${channel.ChannelName} (${files.length} file${files.length === 1 ? '' : 's'}) to s3://${options.bucket}/${prefix}`);
  await Promise.all(
    files.map(({ file, relative }) =>
      limit(async () => {
        const key = prefix + relative;
        const { size } = await stat(file);
        const checksum = await sha256(file);
        const uri = formatS3Uri({ bucket: options.bucket, key });
        if (await alreadyThere(options.s3, options.bucket, key, size, checksum)) {
          summary.skipped.push(uri);
          return;
        }
        await uploadFile(
          options.s3,
          file,
          { bucket: options.bucket, key },
          {
            metadata: { [CHECKSUM_METADATA]: checksum },
            label: `${channel.ChannelName}/${relative}`,
            onProgress: (p) => options.events.emit('progress', p),
            ...(options.signal && { signal: options.signal }),
          },
        );
        summary.uploaded.push(uri);
      }),
    ),
  );
  // A single file keeps S3Prefix semantics by pointing at exactly its key.
  return formatS3Uri({ bucket: options.bucket, key: info.isDirectory() ? prefix : prefix + path.basename(local) });
}

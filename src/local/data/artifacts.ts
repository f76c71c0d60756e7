/**
 * `model.tar.gz` / `output.tar.gz` of a local job: a gzipped tar of the union of the hosts'
 * directories, streamed straight to its destination.
 *
 * - `file://` destinations are written under a temporary name in the same directory and renamed
 *   when complete, so no reader ever sees a partial archive (parent directories are created).
 * - `s3://` destinations are uploaded with a multipart upload (`@aws-sdk/lib-storage`) that is
 *   completed only when the whole archive went through, and aborted otherwise.
 * - No sources, or only missing/empty ones, give a valid empty archive: SageMaker always writes
 *   `model.tar.gz`.
 * - When the sources overlap, the earlier source wins (see `tar-union.ts`) and one warning names
 *   the clashing paths.
 * Compression is gzip level 6, the level `tar -czf` (gzip's default) uses.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline as pipelineCallback, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGzip } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { progressCounter, uploadBody } from '../../s3/transfer.js';
import { fileUriToPath, isFileUri, isS3Uri, parseS3Uri } from '../../s3/uri.js';
import { archiveStream, planArchive } from './tar-union.js';

/** Options of {@link packageArtifacts}. */
export interface PackageOptions {
  /** Directories to archive, in priority order (earlier wins on a clash). */
  sources: string[];
  /** Full URI of the archive, e.g. `s3://bucket/out/job/output/model.tar.gz` or `file:///…/model.tar.gz`. */
  destination: string;
  s3: () => S3Client;
  /** SSE-KMS key for S3 destinations (`OutputDataConfig.KmsKeyId`). */
  kmsKeyId?: string;
  events: JobEvents;
  /** Progress label; defaults to `<file name> -> <destination>`. */
  label?: string;
}

/** Zlib output buffer: large buffers mean fewer, bigger chunks through the pipeline. */
const GZIP_CHUNK = 256 * 1024;

/** Counts the bytes flowing through. */
function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length;
      callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/** Packages `sources` as a tar.gz at `destination`; resolves with its URI and compressed size. */
export async function packageArtifacts(options: PackageOptions): Promise<{ uri: string; bytes: number }> {
  const { destination, events } = options;
  if (!isFileUri(destination) && !isS3Uri(destination)) {
    throw new Error(`artifact destination must be an s3:// or file:// URI, got ${destination}`);
  }
  const name = destination.slice(destination.lastIndexOf('/') + 1) || 'archive.tar.gz';
  const label = options.label ?? `${name} -> ${destination}`;
  const plan = await planArchive(options.sources);
  if (plan.conflictCount > 0) {
    const more = plan.conflictCount > plan.conflicts.length ? ` and ${plan.conflictCount - plan.conflicts.length} more` : '';
    events.warnOnce(
      `${name}: ${plan.conflictCount} path(s) exist in more than one host's directory (${plan.conflicts.join(', ')}${more}); the copy from the first host was kept`,
    );
  }
  if (plan.linkedSources.length > 0) {
    events.warnOnce(`${name}: ${plan.linkedSources.join(', ')} is a symbolic link, left out (links are never followed out of a container's folder)`);
  }
  const tarStream = archiveStream(plan, (entry) => events.warnOnce(`${name}: ${entry.source} changed size while it was being archived`));
  const progress = progressCounter('package', label, plan.tarBytes, (p) => events.emit('progress', p));
  const gzip = createGzip({ level: 6, chunkSize: GZIP_CHUNK, memLevel: zlibConstants.Z_DEFAULT_MEMLEVEL });
  const counter = byteCounter();

  if (isFileUri(destination)) {
    const file = fileUriToPath(destination);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID().slice(0, 8)}.sagekit-part`);
    try {
      await pipeline(tarStream, progress, gzip, counter, createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { uri: destination, bytes: counter.bytes };
  }

  // The callback form returns the last stream and destroys every stage on error, so a failing
  // read surfaces as an error of the upload body and the multipart upload is aborted.
  let streamError: Error | undefined;
  const body = pipelineCallback(tarStream, progress, gzip, counter, (error) => {
    streamError = error ?? undefined;
  });
  try {
    await uploadBody(options.s3(), parseS3Uri(destination), body, {
      label,
      ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
    });
  } catch (error) {
    // The cause is the read failure, not a follow-up error such as a refused AbortMultipartUpload.
    throw streamError ?? error;
  }
  return { uri: destination, bytes: counter.bytes };
}

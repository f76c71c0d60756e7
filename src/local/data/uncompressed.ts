/**
 * `disableOutputCompression` (`OutputDataConfig.CompressionType: NONE`): artifacts are saved as
 * they are instead of as `model.tar.gz` / `output.tar.gz` — the model under
 * `<outputPath>/<job>/output/model/`, the output data under `<outputPath>/<job>/output/data/` —
 * and `S3ModelArtifacts` is that prefix, the layout SageMaker uses. The hosts' directories are
 * merged as for the archives (the first host wins on a clash, with a warning).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readlink, symlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { JobEvents } from '../../events.js';
import { createLimiter, mapLimited } from '../../util/concurrency.js';
import { createContainedReadStream } from '../../util/contained-fs.js';
import { uploadBody } from '../../s3/transfer.js';
import { fileUriToPath, isFileUri, joinUri, parseS3Uri } from '../../s3/uri.js';
import { packageArtifacts } from './artifacts.js';
import { planArchive } from './tar-union.js';

/** Options of {@link saveArtifacts}. */
export interface SaveArtifactsOptions {
  /** Host directories, in priority order. */
  sources: string[];
  /** `<outputPath>/<job>/output`. */
  output: string;
  what: 'model' | 'output';
  /** False for `CompressionType: NONE`. */
  compressed: boolean;
  s3: () => S3Client;
  kmsKeyId?: string;
  events: JobEvents;
}

const CONCURRENT_UPLOADS = 4;

/** Copies the union of `sources` under the `destination` prefix (ends in `/`). */
async function copyUnion(sources: string[], destination: string, options: SaveArtifactsOptions): Promise<void> {
  const plan = await planArchive(sources);
  if (plan.linkedSources.length > 0) {
    options.events.warnOnce(
      `${options.what}: ${plan.linkedSources.join(', ')} is a symbolic link, left out (links are never followed out of a container's folder)`,
    );
  }
  if (plan.conflictCount > 0) {
    options.events.warnOnce(
      `${options.what}: ${plan.conflictCount} path(s) exist in more than one host's directory (${plan.conflicts.join(', ')}); the copy from the first host was kept`,
    );
  }
  if (isFileUri(destination)) {
    const root = fileUriToPath(destination);
    await mkdir(root, { recursive: true });
    for (const entry of plan.entries) {
      const target = path.join(root, entry.name);
      if (entry.type === 'Directory') await mkdir(target, { recursive: true });
      else if (entry.type === 'SymbolicLink') await symlink(await readlink(entry.source), target);
      // Links are copied as links (above); a file's bytes are read only from inside its host folder.
      else await pipeline(await createContainedReadStream(entry.root, entry.source), createWriteStream(target));
    }
    return;
  }
  const { bucket, key } = parseS3Uri(destination);
  const files = plan.entries.filter((e) => e.type === 'File');
  await mapLimited(files, createLimiter(CONCURRENT_UPLOADS), async (entry) =>
    uploadBody(options.s3(), { bucket, key: `${key}${entry.name}` }, await createContainedReadStream(entry.root, entry.source), {
      total: entry.size,
      label: `${options.what}/${entry.name}`,
      ...(options.kmsKeyId && { kmsKeyId: options.kmsKeyId }),
    }),
  );
}

/** Saves one kind of artifact; resolves with the URI to report (archive, or prefix when uncompressed). */
export async function saveArtifacts(options: SaveArtifactsOptions): Promise<{ uri: string }> {
  const { output, what } = options;
  if (options.compressed) {
    return packageArtifacts({
      sources: options.sources,
      destination: joinUri(output, `${what}.tar.gz`),
      s3: options.s3,
      ...(options.kmsKeyId && { kmsKeyId: options.kmsKeyId }),
      events: options.events,
      label: `${what}.tar.gz`,
    });
  }
  const destination = `${joinUri(output, what === 'model' ? 'model' : 'data')}/`;
  await copyUnion(options.sources, destination, options);
  return { uri: destination };
}

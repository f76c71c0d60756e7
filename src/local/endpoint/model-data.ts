/**
 * Puts a model archive where the inference container finds it: `model.tar.gz` from `s3://`,
 * `file://` or a local path, extracted (safely, see archive/extract.ts) into the directory that
 * is mounted as /opt/ml/model — what SageMaker does before it starts the container.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extractTar } from '../../archive/extract.js';
import { UsageError } from '../../errors.js';
import { fileUriToPath, isFileUri, isS3Uri, parseS3Uri } from '../../s3/uri.js';

/** Raised when the model cannot be had; the endpoint fails with it. */
class ModelDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDataError';
  }
}

async function openLocal(file: string): Promise<Readable> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new ModelDataError(`model data not found: ${file}`);
  if (!info.isFile()) throw new ModelDataError(`model data must be a model.tar.gz file, not a directory: ${file}`);
  return createReadStream(file);
}

async function openS3(uri: string, region: string | undefined): Promise<Readable> {
  const [{ createS3Client }, { openObjectStream }] = await Promise.all([import('../../s3/client.js'), import('../../s3/transfer.js')]);
  const s3 = createS3Client(region ? { region } : {});
  try {
    return (await openObjectStream(s3, parseS3Uri(uri))).body;
  } catch (error) {
    throw new ModelDataError(`cannot download ${uri}: ${(error as Error).message}`);
  }
}

/** Extracts the model archive at `uri` into `destination`. */
export async function fetchModel(uri: string, destination: string, region?: string): Promise<void> {
  let source: Readable;
  if (isS3Uri(uri)) source = await openS3(uri, region);
  else if (isFileUri(uri)) source = await openLocal(fileUriToPath(uri));
  else if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(uri)) source = await openLocal(path.resolve(uri));
  else throw new UsageError(`model data must be an s3:// URI, a file:// URI or a local path (got ${uri})`);
  try {
    await extractTar(source, destination);
  } catch (error) {
    throw new ModelDataError(`cannot extract ${uri}: ${(error as Error).message}`);
  }
}

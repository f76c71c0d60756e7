/**
 * Script mode on SageMaker: the local code (cloned first with gitConfig, the clone removed
 * after) is packed as `sourcedir.tar.gz` and uploaded to the `sagemaker_submit_directory` the
 * request names, before CreateTrainingJob. When an object with the same SHA-256 is already
 * there (kept in its `sagekit-sha256` metadata), nothing is uploaded.
 */
import { createHash } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { withLocalCode } from '../code/git.js';
import { packSourceDir } from '../code/pack.js';
import type { ScriptCode } from '../estimator/script-mode.js';
import type { JobEvents } from '../events.js';
import { uploadBody } from '../s3/transfer.js';
import { parseS3Uri } from '../s3/uri.js';
import { CHECKSUM_METADATA } from './upload-inputs.js';

/** What happened to the code. */
export interface CodeUpload {
  uri: string;
  uploaded: boolean;
  bytes: number;
}

async function sameObject(s3: S3Client, bucket: string, key: string, checksum: string): Promise<boolean> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return head.Metadata?.[CHECKSUM_METADATA] === checksum;
  } catch {
    return false;
  }
}

/** Packs and uploads `code` to `code.uploadUri` (which must be set). */
export async function uploadSourceCode(code: ScriptCode, options: { s3: S3Client; events: JobEvents; signal?: AbortSignal }): Promise<CodeUpload> {
  const uri = code.uploadUri!;
  const { bucket, key } = parseS3Uri(uri);
  const archive = await withLocalCode(code, packSourceDir);
  const checksum = createHash('sha256').update(archive).digest('hex');
  if (await sameObject(options.s3, bucket, key, checksum)) {
    options.events.emit('info', `source code unchanged at ${uri}; not uploaded again`);
    return { uri, uploaded: false, bytes: archive.length };
  }
  options.events.emit('info', `uploading source code (${archive.length} bytes) to ${uri}`);
  await uploadBody(options.s3, { bucket, key }, archive, {
    contentType: 'application/x-tar',
    metadata: { [CHECKSUM_METADATA]: checksum },
    label: 'sourcedir.tar.gz',
    onProgress: (p) => options.events.emit('progress', p),
    ...(code.kmsKey && { kmsKeyId: code.kmsKey }),
    ...(options.signal && { signal: options.signal }),
  });
  return { uri, uploaded: true, bytes: archive.length };
}

/** Reading a channel's manifest file (ManifestFile or AugmentedManifestFile) from S3 or disk. */
import { readFile } from 'node:fs/promises';
import { fileUriToPath, isFileUri, parseS3Uri } from '../../s3/uri.js';
import { channelError } from './errors.js';
import type { SourceContext } from './source-types.js';

/** The text of the manifest the channel URI names, from S3 or disk. */
export async function readManifestText(ctx: SourceContext): Promise<string> {
  try {
    if (isFileUri(ctx.uri)) return await readFile(fileUriToPath(ctx.uri), 'utf8');
    const location = parseS3Uri(ctx.uri);
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const response = await ctx.s3().send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
      abortSignal: ctx.signal,
    });
    return (await response.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    throw channelError(ctx, `cannot read the manifest: ${(error as Error).message}`, error);
  }
}

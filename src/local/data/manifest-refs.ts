/**
 * Which files of this machine a manifest may point a job at. A manifest is data, often written
 * by someone else (a labelling tool, a colleague, a request that came over the wire to serve),
 * and its entries are read by sagekit with the user's rights and handed to the container. So:
 * - a manifest read from S3 may name S3 objects only — a `file://` entry or an absolute path in
 *   it would read this machine's files (serve's requests reach only S3 manifests);
 * - a manifest on this machine may name files inside its own folder (the folder the user named);
 * - anything else only with `local.allowManifestLocalPaths: true`.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileUriToPath, isFileUri } from '../../s3/uri.js';
import { channelError } from './errors.js';
import type { SourceContext } from './source-types.js';

function isWithin(root: string, inner: string): boolean {
  const rel = path.relative(root, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Throws a channel error when the manifest of `ctx` may not name the local `file` (`where`: the entry, for the message). */
export async function checkManifestLocalRef(ctx: SourceContext, file: string, where: string): Promise<void> {
  if (ctx.allowManifestLocalPaths) return;
  if (!isFileUri(ctx.uri)) {
    throw channelError(ctx, `${where}: ${file} is a file of this machine, named in a manifest read from S3; a manifest from S3 may name s3:// objects only`);
  }
  const folder = path.dirname(fileUriToPath(ctx.uri));
  // Real paths: a link inside the folder must not lead out of it either.
  const [realFolder, realFile] = await Promise.all([realpath(folder).catch(() => folder), realpath(file).catch(() => path.resolve(file))]);
  if (!isWithin(realFolder, realFile)) {
    throw channelError(
      ctx,
      `${where}: ${file} is outside the manifest's folder ${folder}; a local manifest may name files inside its own folder only (set local.allowManifestLocalPaths: true to allow any file)`,
    );
  }
}
